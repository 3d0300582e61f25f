using GrainKv.Leases;
using GrainKv.Raft;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// What a lock run varies beyond the cluster's own options, drawn from the same seed. The tick is
/// a twentieth of a second, so an election timeout is about half a second and a lease lives a few
/// of them, while network and disk latencies stay in milliseconds, as in a deployment.
/// </summary>
public sealed record LockSimulationOptions
{
    public const int TickMs = 50;

    public required SimulationOptions Cluster { get; init; }

    /// <summary>The TTL every lock client asks for: a few election timeouts.</summary>
    public required long LeaseTtlSeconds { get; init; }

    /// <summary>How often a waiting client reads whether the key ahead of it is gone.</summary>
    public required int PollIntervalMs { get; init; }

    /// <summary>Out of 100 holds, how many end with an unlock; the rest stop keeping the lease alive, as a crashed client does.</summary>
    public required int UnlockPercent { get; init; }

    /// <summary>About how often the leader is cut off from its peers or its disk hangs, while clients keep alive through it.</summary>
    public required int LeaderFaultIntervalMs { get; init; }

    public long LeaseTtlMs => LeaseTtlSeconds * 1000;

    public static LockSimulationOptions Draw(SeededRandomSource random)
    {
        var cluster = SimulationOptions.Draw(random, TickMs);
        return new LockSimulationOptions
        {
            // Calmer spells than the KV runs': a lease needs a few seconds to play out between faults,
            // and clients give up on a silent replica well within a lease.
            Cluster = cluster with { FaultIntervalMs = 2_000 + random.Next(4_000), ClientTimeoutMs = 200 + random.Next(600) },
            LeaseTtlSeconds = Lessor.MinTtlSecondsFor(cluster.ElectionTimeoutMs) + 1 + random.Next(2),
            PollIntervalMs = 50 + random.Next(150),
            UnlockPercent = 20 + random.Next(60),
            LeaderFaultIntervalMs = 3_000 + random.Next(5_000),
        };
    }

    public override string ToString() =>
        $"{Cluster} ttl={LeaseTtlSeconds}s poll={PollIntervalMs}ms unlock={UnlockPercent}% leader faults every ~{LeaderFaultIntervalMs}ms";
}
