using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

public sealed class ShardSimulationTests
{
    [Theory]
    [MemberData(nameof(SimulationSeeds.Default), MemberType = typeof(SimulationSeeds))]
    public void Shard_UnderSeededFaults_StaysSafeConvergesAndIsLinearizable(ulong seed)
    {
        var sim = Simulation.Create(seed);
        sim.Run(calls: 200, maxTimeMs: 60_000);
        sim.HealAll();
        sim.RunUntilQuiescent(maxTimeMs: 30_000);

        LinearizabilityChecker.Assert(sim.History, sim.Describe());
        Assert.True(sim.History.Any(o => !o.OutcomeUnknown), $"{sim.Describe()}: no call completed, so the history checks nothing");
        Assert.True(sim.Cluster.Replicas.Any(r => r.Alive && r.StoredSnapshotIndex > 0), $"{sim.Describe()}: no snapshot was saved, so restarts from one went unchecked");
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
