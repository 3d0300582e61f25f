using GrainKv.Raft;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Carries Raft messages between replicas with a random delay (so also out of order), loses and
/// duplicates some, and honours partitions, which may be one-way. A partition is checked when a
/// message would arrive, as a cut link loses what is on the wire.
/// </summary>
public sealed class SimulatedNetwork(VirtualClock clock, SeededRandomSource random, SimulationOptions options)
{
    private readonly HashSet<(ulong From, ulong To)> _cut = [];

    public bool Faulty { get; set; } = true;

    public void Send(Message message, Action<Message> deliver)
    {
        if (Faulty && random.Next(100) < options.DropPercent) return;
        var copies = Faulty && random.Next(100) < options.DuplicatePercent ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var copy = message.Clone();
            clock.Schedule(DelayMs(), () =>
            {
                if (!_cut.Contains((copy.From, copy.To))) deliver(copy);
            });
        }
    }

    /// <summary>
    /// A call between two members' silos (a front door passing a request to the leader, or the answer back): after a
    /// hop's delay, unless lost on the way or the link is cut when it would arrive.
    /// </summary>
    public void Forward(ulong from, ulong to, Action deliver)
    {
        if (Faulty && random.Next(100) < options.DropPercent) return;
        clock.Schedule(DelayMs(), () =>
        {
            if (!_cut.Contains((from, to))) deliver();
        });
    }

    /// <summary>Latency of one hop, also used for client requests and replies.</summary>
    public int DelayMs() => 1 + random.Next(options.MaxDelayMs);

    /// <summary>Whether a client's message is lost on its way (clients sit outside the partitions).</summary>
    public bool LosesClientMessage() => Faulty && random.Next(100) < options.DropPercent;

    public void Cut(ulong from, ulong to) => _cut.Add((from, to));

    public void Isolate(ulong node, IEnumerable<ulong> all)
    {
        foreach (var other in all.Where(o => o != node))
        {
            Cut(node, other);
            Cut(other, node);
        }
    }

    public void HealPartitions() => _cut.Clear();
}
