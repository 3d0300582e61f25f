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

    public void Deliver(ulong groupId, Message message)
    {
        lock (_delivered) _delivered.Add((groupId, message));
    }
}
