using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

/// <summary>
/// Seeded runs with message loss, partitions, crashes and snapshots; the cluster invariants are
/// checked after every step, and a healed cluster must converge. A seed replays a run exactly.
/// </summary>
public sealed class RandomFaultTests
{
    public static TheoryData<ulong> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Cluster_UnderRandomFaults_StaysSafeAndConvergesAfterHeal(ulong seed)
    {
        var random = new SeededRandomSource(seed);
        var cluster = RaftCluster.Create(seed, voters: 5, c => c with { MaxInflightMessages = 4, MaxEntriesBytesPerMessage = 64 });
        cluster.DropWhen = _ => random.Next(100) < 10;
        var proposed = 0;

        for (var step = 0; step < 400; step++)
        {
            var node = (ulong)random.Next(5) + 1;
            switch (random.Next(20))
            {
                case < 10:
                    cluster.TickAll();
                    break;
                case < 15:
                    if (cluster.Leader is { } leader && cluster.Propose(leader.Id, $"s{seed}-{proposed}") is null) proposed++;
                    break;
                case 15:
                    cluster.Isolate(node);
                    break;
                case 16:
                    cluster.Heal();
                    break;
                case 17:
                    cluster.Restart(node);
                    break;
                case 18:
                    if (cluster[node].AppliedIndex > 0) cluster[node].TakeSnapshot();
                    break;
                default:
                    if (cluster.Leader is { } reader) reader.Node.ReadIndex((ulong)step);
                    break;
            }
        }

        cluster.Heal();
        cluster.DropWhen = null;
        cluster.TickAll(100);

        var final = cluster.Leader;
        Assert.True(final is not null, $"seed={seed}: no leader after healing");
        Assert.All(cluster.Nodes, n => Assert.True(n.Applied.SequenceEqual(final.Applied),
            $"seed={seed}: node {n.Id} applied through {n.AppliedIndex}, leader {final.Id} through {final.AppliedIndex}"));
        Assert.True(proposed > 0, $"seed={seed}: no proposal was accepted");
    }
}
