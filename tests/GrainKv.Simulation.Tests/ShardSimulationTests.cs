using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

public sealed class ShardSimulationTests
{
    [Theory]
    [MemberData(nameof(SimulationSeeds.Default), MemberType = typeof(SimulationSeeds))]
    public void Shard_UnderSeededFaults_StaysSafeConvergesAndIsLinearizable_WithRevisionsInRealTimeOrder(ulong seed)
    {
        var sim = Simulation.Create(seed);
        sim.Run(calls: 200, maxTimeMs: 60_000);
        sim.HealAll();
        sim.RunUntilQuiescent(maxTimeMs: 30_000);

        LinearizabilityChecker.Assert(sim.History, sim.Describe());
        var writes = sim.History
            .Where(o => !o.OutcomeUnknown && (o.Kind == OperationKind.Put || o is { Kind: OperationKind.Cas, Succeeded: true }))
            .Select(o => new RealTimeRevisionOrder.Write(o.CallTime, o.ReturnTime, o.Revision, $"client {o.ClientId}'s {o.Kind} of {o.Key}"))
            .ToList();
        var violation = RealTimeRevisionOrder.Violation(writes);
        Assert.True(violation is null, $"{sim.Describe()}: {violation}");
        Assert.True(sim.History.Any(o => !o.OutcomeUnknown), $"{sim.Describe()}: no call completed, so the history checks nothing");
        Assert.True(sim.Cluster.Replicas.Any(r => r.Alive && r.StoredSnapshotIndex > 0), $"{sim.Describe()}: no snapshot was saved, so restarts from one went unchecked");
    }

    [Theory]
    [InlineData(7UL, true)]
    [InlineData(8UL, false)]
    public void OddSeeds_RunTheShardAsOneOfSeveral_EveryWriteInTheLogCarriesItsOracleRevision(ulong seed, bool stamped)
    {
        var sim = Simulation.Create(seed);
        sim.Run(calls: 100, maxTimeMs: 30_000);

        var writes = sim.Cluster.Replicas.SelectMany(r => r.Applied)
            .Where(e => e.Type == EntryType.EntryNormal && !e.Data.IsEmpty)
            .Select(e => ShardCommand.Parser.ParseFrom(e.Data))
            .Where(c => c.RequestCase is ShardCommand.RequestOneofCase.Put or ShardCommand.RequestOneofCase.Txn)
            .ToList();
        Assert.Equal(stamped, sim.Options.StampedRevisions);
        Assert.NotEmpty(writes);
        Assert.All(writes, c => Assert.Equal(stamped, c.Revision != 0));
    }

    [Fact]
    public void Simulation_SameSeedTwice_ReplaysIdentically()
    {
        var first = Simulation.Create(42);
        first.Run(calls: 200, maxTimeMs: 60_000);
        var second = Simulation.Create(42);
        second.Run(calls: 200, maxTimeMs: 60_000);

        Assert.Equal(first.History, second.History);
        Assert.Equal(first.Describe(), second.Describe());
    }
}
