using System.Globalization;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Hosting;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GrainKv.IntegrationTests.Silo;

/// <summary>The silo process as an operator meets it: flags, environment, metrics, version, unbuilt methods.</summary>
public sealed class SiloSurfaceTests
{
    [Fact]
    public async Task MethodNotBuiltYet_AnswersUnimplementedWithItsName()
    {
        using var server = await GrainKvServer.StartAsync();
        using var client = new EtcdClient(server.ClientUrl);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.MemberPromoteAsync(1));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("/etcdserverpb.Cluster/MemberPromote", error.Status.Detail);
    }

    [Fact]
    public async Task ConcurrentPuts_ArePersistedInFewerTransactionsThanPuts()
    {
        var metricsPort = FreePort.Next();
        using var server = await GrainKvServer.StartAsync("--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}");
        using var client = new EtcdClient(server.ClientUrl);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var (entriesBefore, batchesBefore) = ParseBatches(await http.GetStringAsync("/metrics"));

        const int puts = 400;
        await Task.WhenAll(Enumerable.Range(0, puts).Select(i => client.PutAsync($"batch/{i}", "v")));

        var (entriesAfter, batchesAfter) = ParseBatches(await http.GetStringAsync("/metrics"));
        Assert.True(entriesAfter - entriesBefore >= puts, $"expected at least {puts} persisted entries, got {entriesAfter - entriesBefore}");
        Assert.True(batchesAfter - batchesBefore < puts / 2,
            $"{puts} concurrent puts took {batchesAfter - batchesBefore} storage transactions: proposals are not batched");
    }

    [Fact]
    public async Task VersionAndHealthEndpoints_AnswerOnTheMetricsPort()
    {
        var metricsPort = FreePort.Next();
        using var server = await GrainKvServer.StartAsync("--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };

        var version = JsonNode.Parse(await http.GetStringAsync("/version"))!;
        Assert.StartsWith("3.4.", version["etcdserver"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(version["grainkv"]!.GetValue<string>()));
        Assert.Equal("true", JsonNode.Parse(await http.GetStringAsync("/health"))!["health"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnvironmentVariable_SetsTheMatchingFlag()
    {
        var environment = new Dictionary<string, string> { ["GRAINKV_MAX_REQUEST_BYTES"] = "1000" };
        using var server = await GrainKvServer.StartAsync(environment);
        using var client = new EtcdClient(server.ClientUrl);

        await client.PutAsync("env/small", new string('x', 100));
        var error = await Assert.ThrowsAsync<RpcException>(() => client.PutAsync("env/large", new string('x', 2000)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("etcdserver: request is too large", error.Status.Detail);
        var large = await client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("env/large") });
        Assert.Empty(large.Kvs);
    }

    [Fact]
    public async Task LogLevelWarn_InformationNotLogged_SiloStillServes()
    {
        using var server = await GrainKvServer.StartAsync("--log-level", "warn");
        using var client = new EtcdClient(server.ClientUrl);

        await client.PutAsync("log-level/warn", "v");

        Assert.Single((await client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("log-level/warn") })).Kvs);
        Assert.DoesNotContain(" info: ", server.Process.Output);
    }

    [Fact]
    public async Task LogLevelUnknown_SiloRefusesToStart_NamingTheLevels()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GrainKvServer.StartAsync("--log-level", "verbose"));

        Assert.Contains("Argument 'verbose' not recognized", refused.Message);
        Assert.All(HostLogging.EtcdLevels, level => Assert.Contains($"'{level}'", refused.Message));
    }

    /// <summary>ASP.NET Core starts an Activity and a logging scope for every request while its hosting category logs at any level.</summary>
    [Theory]
    [InlineData("debug")]
    [InlineData("info")]
    public void HostLogging_AtAnyLevel_LeavesRequestLoggingOff_AndKestrelsWarningsOn(string level)
    {
        using var loggers = LoggerFactory.Create(logging => HostLogging.Configure(logging, HostLogging.MinimumOf(level)));

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Critical));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("GrainKv.Grains.Replication.ReplicaDriver").IsEnabled(HostLogging.MinimumOf(level)));
    }

    [Fact]
    public async Task Silo_WatchesNoFiles_SoItsOwnLogWritesWakeNothing()
    {
        using var server = await GrainKvServer.StartAsync();

        var descriptors = Directory.GetFiles($"/proc/{server.Process.Pid}/fd").Select(fd => new FileInfo(fd).LinkTarget);

        Assert.DoesNotContain("anon_inode:inotify", descriptors);
    }

    [Fact]
    public async Task ProgressNotifyInterval_IdleWatcherHearsTheCurrentRevision()
    {
        using var server = await GrainKvServer.StartAsync("--experimental-watch-progress-notify-interval", "200ms");
        using var client = new EtcdClient(server.ClientUrl);
        var put = await client.PutAsync("progress/a", "1");
        await using var watch = new WatchSession(client);

        await watch.CreateAsync(new WatchCreateRequest { Key = ByteString.CopyFromUtf8("progress/"), RangeEnd = ByteString.CopyFromUtf8("progress0"), ProgressNotify = true });
        var responses = await watch.CollectAsync(r => r.Count >= 2, TimeSpan.FromSeconds(10));

        Assert.True(responses[0].Created);
        var progress = responses[1];
        Assert.Equal(responses[0].WatchId, progress.WatchId);
        Assert.Empty(progress.Events);
        Assert.False(progress.Created || progress.Canceled);
        Assert.Equal(put.Header.Revision, progress.Header.Revision);
    }

    private static (long Entries, long Batches) ParseBatches(string metrics) =>
        ((long)MetricsText.Required(metrics, "grainkv_persisted_batch_entries_sum"), (long)MetricsText.Required(metrics, "grainkv_persisted_batch_entries_count"));
}
