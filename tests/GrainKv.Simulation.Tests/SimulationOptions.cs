using GrainKv.Raft;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Everything a run varies, drawn from its seed so that one number replays it. Printed with every
/// failure so a reader sees what the faults were.
/// </summary>
public sealed record SimulationOptions
{
    public required int Replicas { get; init; }
    public required int Clients { get; init; }
    public required int Keys { get; init; }
    public required int DropPercent { get; init; }
    public required int DuplicatePercent { get; init; }
    public required int MaxDelayMs { get; init; }
    public required int MaxDiskLatencyMs { get; init; }
    public required int FaultIntervalMs { get; init; }
    public required int ClientTimeoutMs { get; init; }
    public required long SnapshotCount { get; init; }
    public required IReadOnlyList<int> TickIntervalsMs { get; init; }
    public int ElectionTicks { get; init; } = 10;

    /// <summary>The shard is one of several: its leader stamps writes with revisions of a simulated oracle (<see cref="SimulatedOracle"/>).</summary>
    public bool StampedRevisions { get; init; }

    /// <summary>The nominal tick that the nodes' own tick intervals vary around.</summary>
    public required int TickMs { get; init; }

    /// <summary>The election timeout the replicas are told (lease minimum TTL and failover extension), as a silo derives it from its flags.</summary>
    public long ElectionTimeoutMs => (long)ElectionTicks * TickMs;

    /// <summary>
    /// Draws a run's options. Timeouts and fault intervals are measured in ticks of
    /// <paramref name="tickMs"/>; network and disk latencies are not, so a longer tick makes them
    /// small against an election timeout, as in a real deployment.
    /// </summary>
    public static SimulationOptions Draw(SeededRandomSource random, int tickMs = 10)
    {
        var replicas = random.Next(2) == 0 ? 3 : 5;
        return new SimulationOptions
        {
            Replicas = replicas,
            Clients = 2 + random.Next(3),
            Keys = 1 + random.Next(3),
            DropPercent = random.Next(16),
            DuplicatePercent = random.Next(11),
            MaxDelayMs = 1 + random.Next(20),
            MaxDiskLatencyMs = random.Next(4),
            FaultIntervalMs = 5 * tickMs + random.Next(25 * tickMs),
            ClientTimeoutMs = 15 * tickMs + random.Next(30 * tickMs),
            SnapshotCount = 3 + random.Next(25),
            // Each node ticks at its own pace, within a fifth of the nominal tick, so timeouts drift against each other.
            TickIntervalsMs = [.. Enumerable.Range(0, replicas).Select(_ => tickMs * 4 / 5 + random.Next(tickMs * 2 / 5 + 1))],
            TickMs = tickMs,
        };
    }

    public override string ToString() =>
        $"replicas={Replicas} clients={Clients} keys={Keys} drop={DropPercent}% dup={DuplicatePercent}% delay<={MaxDelayMs}ms "
        + $"disk<={MaxDiskLatencyMs}ms faults every {FaultIntervalMs}ms timeout={ClientTimeoutMs}ms snapshot-count={SnapshotCount} "
        + $"ticks=[{string.Join(",", TickIntervalsMs)}]ms" + (StampedRevisions ? " stamped-revisions" : "");
}
