using GrainKv.Raft;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime.Tests.Cluster;

/// <summary>Keeps every Raft message delivered to its silo, in arrival order.</summary>
internal sealed class RecordingRaftSink : IRaftMessageSink
{
    private readonly List<(ulong GroupId, Message Message)> _delivered = [];

    public int Count
    {
        get
        {
            lock (_delivered) return _delivered.Count;
        }
    }

    public IReadOnlyList<(ulong GroupId, Message Message)> Delivered
    {
        get
        {
            lock (_delivered) return _delivered.ToArray();
        }
    }

    /// <summary>A group whose messages wait in delivery until <see cref="Released"/> is set, as a receiver that stops reading.</summary>
    public ulong? HeldGroup { get; set; }

    public ManualResetEventSlim Released { get; } = new();

    public void Deliver(ulong groupId, Message message)
    {
        if (groupId == HeldGroup) Released.Wait(TimeSpan.FromSeconds(30));
        lock (_delivered) _delivered.Add((groupId, message));
    }
}
