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

    public static SimulationOptions Draw(SeededRandomSource random)
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
            FaultIntervalMs = 50 + random.Next(250),
            ClientTimeoutMs = 150 + random.Next(300),
            SnapshotCount = 3 + random.Next(25),
            // Each node ticks at its own pace, so timeouts drift against each other.
            TickIntervalsMs = [.. Enumerable.Range(0, replicas).Select(_ => 8 + random.Next(5))],
        };
    }

    public override string ToString() =>
        $"replicas={Replicas} clients={Clients} keys={Keys} drop={DropPercent}% dup={DuplicatePercent}% delay<={MaxDelayMs}ms "
        + $"disk<={MaxDiskLatencyMs}ms faults every {FaultIntervalMs}ms timeout={ClientTimeoutMs}ms snapshot-count={SnapshotCount} "
        + $"ticks=[{string.Join(",", TickIntervalsMs)}]ms";
}
