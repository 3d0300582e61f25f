using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>
/// tools/cluster/start-cluster.sh as the README uses it, on etcd's Procfile with free ports: when it returns, the
/// cluster has a leader that every member names; stop-cluster.sh ends every silo.
/// </summary>
public sealed class ClusterScriptTests
{
    [Fact]
    public async Task StartScript_ReturnsOnceEveryMemberNamesTheSameLeader_AndStopScriptEndsEverySilo()
    {
        var clusterDir = Directory.CreateTempSubdirectory("grainkv-cluster-script-").FullName;
        var procfile = Path.Combine(clusterDir, "Procfile");
        File.WriteAllText(procfile, WithFreePorts(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tools", "cluster", "Procfile"))));
        var endpoints = string.Join(',', Regex.Matches(File.ReadAllText(procfile), @"--advertise-client-urls (\S+)").Select(m => m.Groups[1].Value));
        var environment = new Dictionary<string, string>
        {
            ["CLUSTER_DIR"] = clusterDir,
            ["PROCFILE"] = procfile,
            ["GRAINKV_SILO_DLL"] = Path.Combine(AppContext.BaseDirectory, "GrainKv.Silo.dll"),
        };
        CommandLineTool.Result? stopped = null;
        try
        {
            var started = await ClusterScript.RunAsync("start-cluster.sh", [], environment);
            Assert.True(started.ExitCode == 0, $"start-cluster.sh exited with {started.ExitCode}:\n{started.Output}");
            var status = await Infrastructure.Etcdctl.RunAsync(endpoints, null, "endpoint", "status", "-w", "json");

            Assert.True(status.ExitCode == 0, $"etcdctl endpoint status right after start-cluster.sh: {status.Stdout}{status.Stderr}");
            var members = JsonNode.Parse(status.Stdout)!.AsArray().Select(entry => entry!["Status"]!).ToList();
            Assert.Equal(3, members.Count);
            var leaders = members.Select(member => member["leader"]?.GetValue<ulong>() ?? 0).Distinct().ToList();
            ulong leader = Assert.Single(leaders);
            Assert.Contains(leader, members.Select(member => member["header"]!["member_id"]!.GetValue<ulong>()));

            var pids = ClusterScript.ProcessIds(clusterDir);
            Assert.Equal(3, pids.Length);
            stopped = await ClusterScript.RunAsync("stop-cluster.sh", [], environment);
            Assert.True(stopped.ExitCode == 0, $"stop-cluster.sh exited with {stopped.ExitCode}:\n{stopped.Output}");
            Assert.All(pids, pid => Assert.False(ClusterScript.IsAlive(pid), $"process {pid} outlived stop-cluster.sh:\n{stopped.Output}"));
            Assert.Empty(Directory.GetFiles(clusterDir, "*.pid"));
        }
        finally
        {
            if (stopped is null) await ClusterScript.RunAsync("stop-cluster.sh", [], environment);
            Directory.Delete(clusterDir, recursive: true);
        }
    }

    /// <summary>
    /// The Procfile with each port it names (loopback URLs' and the Orleans ports) replaced by a free one, the same one
    /// wherever it recurs.
    /// </summary>
    private static string WithFreePorts(string procfile)
    {
        var freePorts = new Dictionary<string, string>();
        return Regex.Replace(procfile, @"(127\.0\.0\.1:|--orleans-(?:silo|gateway)-port )(\d+)", match =>
        {
            string port = match.Groups[2].Value;
            if (!freePorts.TryGetValue(port, out string? free))
            {
                free = FreePort.Next().ToString(CultureInfo.InvariantCulture);
                freePorts[port] = free;
            }

            return match.Groups[1].Value + free;
        });
    }
}
