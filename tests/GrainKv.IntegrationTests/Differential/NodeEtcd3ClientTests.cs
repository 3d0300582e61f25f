using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// The Node etcd3 client, unchanged, against a fresh etcd 3.4 and a fresh GrainKv: its KV, txn, lease, watch, lock,
/// election and STM calls, and the errors it turns etcd's answers into, must come out the same on both.
/// </summary>
public sealed class NodeEtcd3ClientTests
{
    /// <summary>A few of the scenario's lines, so that two servers failing alike cannot pass.</summary>
    private static readonly string[] Expected =
    [
        """{"step":"get meta","value":{"create":"2","mod":"3","version":"2"}}""",
        """{"step":"watch","value":[["put","w/a","1"],["put","w/b","2"],["delete","w/a"]]}""",
        """{"step":"second lock while held","value":"EtcdLockFailedError: Failed to acquire a lock on the-lock"}""",
        """{"step":"proclaimed","value":"candidate-1b"}""",
        """{"step":"read compacted revision","value":"GRPCOutOfRangeError: 11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted"}""",
        """{"step":"stm","value":"1"}""",
    ];

    [Fact]
    public async Task Scenario_OnOneSilo_PrintsWhatItPrintsOnEtcd()
    {
        using var etcd = await EtcdServer.StartAsync();
        using var silo = await GrainKvServer.StartAsync();

        var onEtcd = await NodeEtcd3.RunScenarioAsync(etcd.Endpoint);
        var onGrainKv = await NodeEtcd3.RunScenarioAsync(silo.Endpoint);

        Assert.Equal(Lines(onEtcd), Lines(onGrainKv));
        Assert.Subset(Lines(onEtcd).ToHashSet(), Expected.ToHashSet());
    }

    /// <summary>Given every member, the client spreads its calls over them, as against an etcd cluster.</summary>
    [Fact]
    public async Task Scenario_OnThreeSilos_PrintsWhatItPrintsOnEtcd()
    {
        using var etcd = await EtcdServer.StartAsync();
        using var cluster = await GrainKvCluster.StartAsync();

        var onEtcd = await NodeEtcd3.RunScenarioAsync(etcd.Endpoint);
        var onGrainKv = await NodeEtcd3.RunScenarioAsync(cluster.Endpoints);

        Assert.Equal(Lines(onEtcd), Lines(onGrainKv));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
