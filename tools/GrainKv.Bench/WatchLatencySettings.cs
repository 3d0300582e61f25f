using Google.Protobuf;

namespace GrainKv.Bench;

/// <summary>
/// A watch-latency run: <see cref="Streams"/> Watch streams with <see cref="WatchersPerStream"/> watchers each, all
/// on <see cref="Key"/>, then <see cref="PutTotal"/> puts to that key, one every 1/<see cref="PutsPerSecond"/> s.
/// </summary>
public sealed record WatchLatencySettings(
    ConnectionSettings Connection,
    int Streams,
    int WatchersPerStream,
    ByteString Key,
    int PutTotal,
    double PutsPerSecond,
    int ValueBytes,
    TimeSpan DrainTimeout)
{
    public long Watchers => (long)Streams * WatchersPerStream;

    public long EventsExpected => Watchers * PutTotal;
}
