using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Client;

/// <summary>
/// <c>tools/GrainKv.ClientSample</c> as its own process, an Orleans client of three silos found at their Orleans gateway
/// endpoints: through GrainKv's grain API it calls a shard's front door, puts, gets, swaps, watches, keeps a lease
/// alive and is refused an empty key as etcd refuses it, and exits 0.
/// </summary>
public sealed class ClientSampleTests(ClusterWithGateway fixture) : IClassFixture<ClusterWithGateway>
{
    [Fact]
    public async Task OrleansClientProcess_KvWatchAndLeaseThroughGrains_AndExitsZero()
    {
        var gateways = string.Join(',', fixture.Cluster.Members.Select(m => $"127.0.0.1:{m.OrleansGatewayPort}"));
        var sample = Path.Combine(AppContext.BaseDirectory, "GrainKv.ClientSample.dll");

        using var process = ServerProcess.Start("dotnet", [sample, "orleans", gateways, GrainKvCluster.Token]);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var output = process.Output;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
        Assert.Matches("shard 1: leader [0-9a-f]{16}, term [1-9]", output);
        Assert.Contains("get sample/greeting = hello", output);
        Assert.Contains("txn: compare-and-swap succeeded", output);
        Assert.Contains("watch: Put sample/greeting = hello again", output);
        Assert.Contains("watch: Delete sample/greeting", output);
        Assert.Matches("lease [0-9a-f]+: 3 keep-alives, held, [1-5] s to live", output);
        Assert.Contains("empty key refused: InvalidArgument etcdserver: key is not provided", output);
    }
}
