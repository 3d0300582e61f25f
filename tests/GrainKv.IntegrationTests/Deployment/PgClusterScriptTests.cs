using System.Globalization;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>
/// tools/cluster/start-pg-cluster.sh as the README uses it: three PostgreSQL servers, three silos on them and
/// a gateway that etcdctl talks to, on free loopback ports; stop-pg-cluster.sh ends every one of them.
/// </summary>
public sealed class PgClusterScriptTests
{
    [Fact]
    public async Task StartScript_ServesEtcdctlThroughTheGateway_AndStopScriptEndsEveryProcess()
    {
        // Not CreateTempSubdirectory, whose mode 0700 would keep PostgreSQL (the postgres user) out of its data dirs.
        var clusterDir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"grainkv-pg-script-{Guid.NewGuid():N}")).FullName;
        var gatewayPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["GRAINKV_SILO_DLL"] = Path.Combine(AppContext.BaseDirectory, "GrainKv.Silo.dll"),
            ["GRAINKV_GATEWAY_DLL"] = Path.Combine(AppContext.BaseDirectory, "GrainKv.Gateway.dll"),
            ["GATEWAY_PORT"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["GATEWAY_METRICS_PORT"] = FreePorts(1),
            ["SILO_CLIENT_PORTS"] = FreePorts(3),
            ["SILO_PEER_PORTS"] = FreePorts(3),
            ["SILO_METRICS_PORTS"] = FreePorts(3),
            ["SILO_ORLEANS_PORTS"] = FreePorts(3),
            ["SILO_ORLEANS_GATEWAY_PORTS"] = FreePorts(3),
            ["POSTGRES_PORTS"] = FreePorts(3),
        };
        CommandLineTool.Result? stopped = null;
        try
        {
            var started = await RunScriptAsync("start-pg-cluster.sh", clusterDir, environment);
            Assert.True(started.ExitCode == 0, $"start-pg-cluster.sh exited with {started.ExitCode}:\n{started.Output}");
            var pids = ClusterScript.ProcessIds(clusterDir);
            Assert.Equal(7, pids.Length);

            var endpoint = $"127.0.0.1:{gatewayPort}";
            var put = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", "greeting", "hello");
            Assert.True(put.ExitCode == 0 && put.Stdout == "OK\n", $"etcdctl put: {put.Stdout}{put.Stderr}");
            var get = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "greeting", "--print-value-only");
            Assert.Equal("hello\n", get.Stdout);

            stopped = await RunScriptAsync("stop-pg-cluster.sh", clusterDir);
            Assert.True(stopped.ExitCode == 0, $"stop-pg-cluster.sh exited with {stopped.ExitCode}:\n{stopped.Output}");
            Assert.All(pids, pid => Assert.False(ClusterScript.IsAlive(pid), $"process {pid} outlived stop-pg-cluster.sh:\n{stopped.Output}"));
            Assert.Empty(Directory.GetFiles(clusterDir, "*.pid"));
        }
        finally
        {
            if (stopped is null) await RunScriptAsync("stop-pg-cluster.sh", clusterDir);
            Directory.Delete(clusterDir, recursive: true);
        }
    }

    private static Task<CommandLineTool.Result> RunScriptAsync(string script, string clusterDir, IReadOnlyDictionary<string, string>? environment = null) =>
        ClusterScript.RunAsync(script, [clusterDir], environment);

    private static string FreePorts(int count) =>
        string.Join(',', Enumerable.Range(0, count).Select(_ => FreePort.Next().ToString(CultureInfo.InvariantCulture)));
}
