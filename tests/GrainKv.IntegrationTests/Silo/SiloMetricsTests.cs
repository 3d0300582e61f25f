using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Silo;

/// <summary>What a silo's /metrics offers Prometheus, etcd's dashboards and etcdctl: the process, etcd's own series, Orleans, ASP.NET Core and the runtime.</summary>
public sealed class SiloMetricsTests
{
    private const int Puts = 20;

    [Fact]
    public async Task Metrics_CarryTheProcessFamily_AsPrometheusProcessCollectorNamesIt()
    {
        var (metrics, _) = await ScrapeAfterPutsAsync();

        Assert.True(MetricsText.Required(metrics, "process_resident_memory_bytes") > 0);
        Assert.True(MetricsText.Required(metrics, "process_virtual_memory_bytes") > 0);
        Assert.True(MetricsText.Required(metrics, "process_cpu_seconds_total") > 0);
        Assert.True(MetricsText.Required(metrics, "process_start_time_seconds") > 0);
        Assert.True(MetricsText.Required(metrics, "process_open_fds") > 0);
        Assert.Contains("# TYPE process_cpu_seconds_total counter", metrics);
    }

    [Fact]
    public async Task Metrics_CarryEtcdsServerDiskAndMvccSeries_WithTheirMeaning()
    {
        var (metrics, status) = await ScrapeAfterPutsAsync();

        Assert.Equal(1, MetricsText.Required(metrics, "etcd_server_has_leader"));
        Assert.Equal(1, MetricsText.Required(metrics, "etcd_server_is_leader"));
        Assert.True(MetricsText.Required(metrics, "etcd_server_leader_changes_seen_total") >= 1);
        var committed = MetricsText.Required(metrics, "etcd_server_proposals_committed_total");
        Assert.InRange(committed, Puts, status.RaftIndex);
        Assert.InRange(MetricsText.Required(metrics, "etcd_server_proposals_applied_total"), Puts, committed);
        Assert.Equal(0, MetricsText.Required(metrics, "etcd_server_proposals_pending"));
        Assert.Equal(0, MetricsText.Required(metrics, "etcd_server_proposals_failed_total"));
        Assert.True(MetricsText.Required(metrics, "etcd_mvcc_db_total_size_in_bytes") > 0);
        Assert.Equal(Puts, MetricsText.Required(metrics, "etcd_debugging_mvcc_keys_total"));
        // etcd's buckets: 1 ms doubling to 8.192 s.
        Assert.True(MetricsText.Required(metrics, "etcd_disk_wal_fsync_duration_seconds_count") > 0);
        Assert.NotNull(MetricsText.Value(metrics, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"}"));
        Assert.NotNull(MetricsText.Value(metrics, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"8.192\"}"));
    }

    [Fact]
    public async Task Metrics_CarryAspNetCoreAndRuntimeMeters()
    {
        var (metrics, _) = await ScrapeAfterPutsAsync();

        var puts = MetricsText.Value(metrics, "http_server_request_duration_seconds_count{http_request_method=\"POST\",http_response_status_code=\"200\"," +
            "http_route=\"/etcdserverpb.KV/Put\",network_protocol_version=\"2\",url_scheme=\"http\"}");
        Assert.True(puts >= Puts, metrics);
        Assert.Contains("# TYPE kestrel_active_connections gauge", metrics);
        Assert.True(MetricsText.Required(metrics, "dotnet_assembly_count") > 0);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", metrics);
    }

    [Fact]
    public async Task Metrics_CarryOrleansMeters_CountingTheShardsGrains()
    {
        var (metrics, _) = await ScrapeAfterPutsAsync();

        // The shard's replica, one on a single silo; the silo's own requests reach its front door without a grain call,
        // so no front-door grain (there for Orleans clients) is active.
        Assert.Equal(1, MetricsText.Required(metrics, "orleans_grains{grain_type=\"grainkv.replica\"}"));
        Assert.DoesNotContain("grain_type=\"grainkv.raftgroup\"", metrics);
    }

    /// <summary>Puts <see cref="Puts"/> keys on a fresh silo, then scrapes its metrics URL and asks it for its status.</summary>
    private static async Task<(string Metrics, Etcdserverpb.StatusResponse Status)> ScrapeAfterPutsAsync()
    {
        var metricsPort = FreePort.Next();
        using var server = await GrainKvServer.StartAsync("--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}");
        using var client = new EtcdClient(server.ClientUrl);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        for (var i = 0; i < Puts; i++) await client.PutAsync($"metrics/{i}", "v");

        var metrics = await http.GetStringAsync("/metrics");
        return (metrics, await client.StatusAsync());
    }
}
