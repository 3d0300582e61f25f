using System.Diagnostics;
using System.Text.Json;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Bench;

/// <summary>
/// The load generator's streaming scenarios (watch-latency, lease-keepalive), run as compare.sh runs them, with small
/// counts, against etcd 3.4 and GrainKv: each server must deliver what the scenario demands, and the JSON carries the
/// figures compare.sh reads. How fast is for the benchmark itself, never asserted here.
/// </summary>
public sealed class BenchScenarioTests : IClassFixture<DifferentialFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    private readonly DifferentialFixture _servers;

    public BenchScenarioTests(DifferentialFixture servers)
    {
        _servers = servers;
    }

    [Theory]
    [InlineData("etcd")]
    [InlineData("grainkv")]
    public async Task WatchLatency_SixtyWatchersOnOneKey_EveryWatcherGetsEveryPutOnceInOrder(string server)
    {
        var run = await RunBenchAsync(server, "watch-latency", "--conns", "2", "--streams", "3", "--watchers-per-stream", "20",
            "--put-total", "25", "--put-rate", "100", "--drain-timeout", "60s");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(60 * 25, run.Json.GetProperty("eventsExpected").GetInt64());
        Assert.Equal(60 * 25, run.Json.GetProperty("eventsReceived").GetInt64());
        Assert.Equal(0, run.Json.GetProperty("eventsOutOfOrder").GetInt64());
        Assert.Equal(0, run.Json.GetProperty("streamErrors").GetArrayLength());
        var delivery = run.Json.GetProperty("deliveryLatencyMs");
        Assert.InRange(delivery.GetProperty("p99").GetDouble(), delivery.GetProperty("p50").GetDouble(), delivery.GetProperty("max").GetDouble());
        Assert.Equal(ProcessOf(server).Pid, run.Json.GetProperty("serverCpu").GetProperty("pid").GetInt32());
    }

    [Theory]
    [InlineData("etcd")]
    [InlineData("grainkv")]
    public async Task LeaseKeepAlive_LeasesRenewedEveryThirdOfTtl_NoneLostEveryKeepAliveAnsweredAllRevokedAfter(string server)
    {
        // TTL 3 s: granted in the first second, then renewed every second, one round of warm-up and two measured.
        var run = await RunBenchAsync(server, "lease-keepalive", "--conns", "2", "--leases", "200", "--ttl", "3", "--streams", "4",
            "--duration", "2s");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(200 * 3, run.Json.GetProperty("keepAlivesSent").GetInt64());
        Assert.Equal(200 * 3, run.Json.GetProperty("keepAlivesAnswered").GetInt64());
        Assert.Equal(0, run.Json.GetProperty("leasesLost").GetInt32());
        Assert.Equal(0, run.Json.GetProperty("revokeErrors").GetInt32());
        Assert.InRange(run.Json.GetProperty("answeredInWindow").GetInt64(), 1, 200 * 3);
        Assert.Equal(ProcessOf(server).Pid, run.Json.GetProperty("serverCpu").GetProperty("pid").GetInt32());
        Assert.Empty((await ClientOf(server).LeaseLeasesAsync()).Leases);
    }

    [Fact]
    public async Task LeaseKeepAlive_ServerPidOfNoProcess_IsAUsageErrorBeforeAnyLeaseIsGranted()
    {
        var run = await RunBenchAsync("grainkv", "lease-keepalive", "--leases", "10", "--server-pid", int.MaxValue.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"--server-pid {int.MaxValue}: no such process", run.Output);
        Assert.Empty((await _servers.GrainKvClient.LeaseLeasesAsync()).Leases);
    }

    private ServerProcess ProcessOf(string server) => server == "etcd" ? _servers.Etcd.Process : _servers.GrainKv.Process;

    private EtcdClient ClientOf(string server) => server == "etcd" ? _servers.EtcdClient : _servers.GrainKvClient;

    /// <summary>Runs the built GrainKv.Bench against the server with --json, measuring that server's CPU unless the arguments name a pid.</summary>
    private async Task<BenchRun> RunBenchAsync(string server, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GrainKv.Bench.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var clientUrl = server == "etcd" ? _servers.Etcd.ClientUrl : _servers.GrainKv.ClientUrl;
        info.ArgumentList.Add("--endpoints");
        info.ArgumentList.Add($"{clientUrl.Host}:{clientUrl.Port}");
        if (!arguments.Contains("--server-pid"))
        {
            info.ArgumentList.Add("--server-pid");
            info.ArgumentList.Add(ProcessOf(server).Pid.ToString());
        }
        info.ArgumentList.Add("--json");

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(RunTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"GrainKv.Bench {string.Join(' ', arguments)} did not finish in {RunTimeout}");
        }
        var output = await stdout;
        var json = output.Length > 0 ? JsonDocument.Parse(output).RootElement.Clone() : default;
        return new BenchRun(process.ExitCode, json, $"exit code {process.ExitCode}\nstdout: {output}\nstderr: {await stderr}");
    }

    private sealed record BenchRun(int ExitCode, JsonElement Json, string Output);
}
