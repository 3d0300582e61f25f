using System.Collections.Concurrent;
using System.Diagnostics;
using Etcdserverpb;
using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// One LeaseKeepAlive stream of a lease-keepalive run and the leases it grants and keeps alive. Lease i of the run
/// (id <c>idBase + i</c>) is granted at <c>i / leases</c> of the first interval and renewed one interval after that
/// and every interval after, so grants and keep-alives come at an even rate, as from many clients that arrived at
/// different times, and no lease waits longer than an interval for its first renewal. Its tally is complete once
/// <see cref="RunAsync"/> and <see cref="DisposeAsync"/> returned.
/// </summary>
public sealed class LeaseKeepAliveStream : TimedDuplexStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>
{
    private readonly EtcdConnection _connection;
    private readonly LeaseKeepAliveSettings _settings;
    private readonly long _idBase;
    private readonly int[] _leases;
    private readonly long[] _sentTimestamps;
    private readonly KeepAliveTimeline _timeline;
    private readonly HashSet<int> _lost = [];
    private readonly ConcurrentQueue<string> _errors = new();

    /// <param name="leases">The run's lease numbers this stream keeps alive, ascending.</param>
    /// <param name="sentTimestamps">Shared by the run's streams: when each lease's last keep-alive was sent.</param>
    public LeaseKeepAliveStream(EtcdConnection connection, LeaseKeepAliveSettings settings, KeepAliveTimeline timeline, long idBase, int[] leases,
        long[] sentTimestamps)
        : base(connection.Lease.LeaseKeepAlive())
    {
        _connection = connection;
        _settings = settings;
        _timeline = timeline;
        _idBase = idBase;
        _leases = leases;
        _sentTimestamps = sentTimestamps;
        StartReading();
    }

    public long Sent { get; private set; }

    public long Answered { get; private set; }

    public long AnsweredInWindow { get; private set; }

    /// <summary>Leases answered with TTL 0: expired or gone.</summary>
    public int LeasesLost => _lost.Count;

    /// <summary>Keep-alive sent to answer received, for answers inside the measured window.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Why the stream failed before the run closed it, as its sender and its reader saw it; empty if it did not.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>
    /// Grants this stream's leases in the first interval, then sends every keep-alive due before the window ends,
    /// each at its time, and half-closes the stream. Throws <see cref="RpcException"/> if a grant fails.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var grants = new Task[_leases.Length];
        long interval = StopwatchTime.TicksOf(_settings.Interval);
        for (long round = 0; ; round++)
        {
            for (int i = 0; i < _leases.Length; i++)
            {
                int lease = _leases[i];
                long due = _timeline.Start + round * interval + interval * lease / _settings.Leases;
                if (due >= _timeline.WindowEnd)
                {
                    await Call.RequestStream.CompleteAsync();
                    return;
                }

                await StopwatchTime.DelayUntilAsync(due, ct);
                if (round == 0)
                {
                    grants[i] = _connection.Lease.LeaseGrantAsync(
                        new LeaseGrantRequest { ID = _idBase + lease, TTL = _settings.TtlSeconds }, cancellationToken: ct).ResponseAsync;
                    continue;
                }

                if (round == 1)
                {
                    await grants[i];
                }

                Volatile.Write(ref _sentTimestamps[lease], Stopwatch.GetTimestamp());
                try
                {
                    await Call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = _idBase + lease }, ct);
                }
                catch (Exception error) when (CallFailure.IsCallOver(error, ct))
                {
                    // The reader has the server's status, if the server gave one.
                    _errors.Enqueue($"sending a keep-alive failed: {CallFailure.Describe(error)}");
                    return;
                }

                Sent++;
            }
        }
    }

    /// <summary>Waits up to <paramref name="answersTimeout"/> for the answers still in flight, then ends the call.</summary>
    public async Task CloseAsync(TimeSpan answersTimeout)
    {
        await Task.WhenAny(Reader, Task.Delay(answersTimeout));
        await DisposeAsync();
    }

    protected override bool OnResponse(LeaseKeepAliveResponse response, long receivedTimestamp)
    {
        Answered++;
        long lease = response.ID - _idBase;
        if (lease < 0 || lease >= _sentTimestamps.Length)
        {
            _errors.Enqueue($"a keep-alive answer for lease {response.ID}, which this run never granted");
            return true;
        }

        if (response.TTL <= 0)
        {
            _lost.Add((int)lease);
            return true;
        }

        if (receivedTimestamp >= _timeline.WindowStart && receivedTimestamp < _timeline.WindowEnd)
        {
            AnsweredInWindow++;
            long sentTimestamp = Volatile.Read(ref _sentTimestamps[lease]);
            Latency.Record(StopwatchTime.NanosecondsBetween(sentTimestamp, receivedTimestamp));
        }

        return true;
    }

    protected override void OnFailed(string reason) => _errors.Enqueue($"the stream failed: {reason}");
}
