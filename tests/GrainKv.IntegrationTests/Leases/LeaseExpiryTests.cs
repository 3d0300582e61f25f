using System.Globalization;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Leases;

/// <summary>
/// Lease expiry on a real 3-silo cluster driven by etcdctl: a lease not kept alive expires after its
/// TTL (not before) and takes its keys with it; a kept-alive lease survives the leader's SIGKILL.
/// </summary>
public sealed class LeaseExpiryTests
{
    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task LeaseNotKeptAlive_ExpiresAfterItsTtl_AndKeptAliveLeaseSurvivesLeaderKill()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var endpoints = cluster.Endpoints;

        var shortLease = await GrantAsync(endpoints, 3);
        // Longer than a failover: the front doors' calls in flight to the dead leader's silo come back only once Orleans
        // declares it dead (2 missed probes, 2 s apart), so keep-alives may fail for some seconds after the kill.
        var keptTtl = TimeSpan.FromSeconds(10);
        var keptLease = await GrantAsync(endpoints, (int)keptTtl.TotalSeconds);
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoints, null, "put", "--lease", shortLease, "expiry/short", "v")).ExitCode);
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoints, null, "put", "--lease", keptLease, "expiry/kept", "v")).ExitCode);
        var granted = DateTime.UtcNow;

        var list = await Infrastructure.Etcdctl.RunAsync(endpoints, null, "lease", "list");
        Assert.Contains(shortLease, list.Stdout);
        Assert.Contains(keptLease, list.Stdout);
        var ttl = await Infrastructure.Etcdctl.RunAsync(endpoints, null, "lease", "timetolive", shortLease, "--keys");
        Assert.Contains("granted with TTL(3s)", ttl.Stdout);
        Assert.Contains("expiry/short", ttl.Stdout);

        // Keep one lease alive (every second) while the leader's silo dies.
        using var keepAlive = new CancellationTokenSource();
        var keeper = Task.Run(async () =>
        {
            while (!keepAlive.IsCancellationRequested)
            {
                await Infrastructure.Etcdctl.RunAsync(endpoints, null, "lease", "keep-alive", "--once", keptLease);
                await Task.Delay(1000);
            }
        });
        cluster.Kill(await cluster.LeaderAsync());

        using var survivor = new EtcdClient(cluster.Members.First(m => m.IsRunning).ClientUrl);
        // Not before its TTL: the short lease's key is there at least until 3 s after the grant (a read that came back
        // before then took effect before then).
        var early = await ReadAsync(survivor, "expiry/short");
        if (DateTime.UtcNow - granted < TimeSpan.FromSeconds(3)) Assert.Single(early.Kvs);
        // Gone within a few seconds after: TTL, plus the new leader's election-timeout extension and revoke.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await ReadAsync(survivor, "expiry/short")).Kvs.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the lease nobody kept alive never expired");
            await Task.Delay(200);
        }
        Assert.True(DateTime.UtcNow - granted >= TimeSpan.FromSeconds(3), "the lease expired before its TTL");

        // Past the kept lease's TTL from its grant: only the keep-alives through the failover can have kept it.
        var pastKeptTtl = granted + keptTtl + TimeSpan.FromSeconds(2) - DateTime.UtcNow;
        if (pastKeptTtl > TimeSpan.Zero) await Task.Delay(pastKeptTtl);
        Assert.Single((await ReadAsync(survivor, "expiry/kept")).Kvs);
        keepAlive.Cancel();
        await keeper;
        var kept = await Infrastructure.Etcdctl.RunAsync(endpoints, null, "lease", "timetolive", keptLease);
        Assert.Contains($"granted with TTL({keptTtl.TotalSeconds}s)", kept.Stdout);
    }

    /// <summary>A linearizable read, asked again while the leader's death leaves the survivors without one, as etcd's clients do.</summary>
    private static Task<RangeResponse> ReadAsync(EtcdClient client, string key) =>
        UnavailableRetry.CallAsync(() => client.RangeAsync(new RangeRequest { Key = B(key) }), TimeSpan.FromSeconds(20));

    private static async Task<string> GrantAsync(string endpoints, int ttlSeconds)
    {
        var grant = await Infrastructure.Etcdctl.RunAsync(endpoints, null, "-w", "json", "lease", "grant", ttlSeconds.ToString(CultureInfo.InvariantCulture));
        Assert.True(grant.ExitCode == 0, grant.Stderr);
        var id = JsonNode.Parse(grant.Stdout)!["ID"]!.GetValue<long>();
        return id.ToString("x", CultureInfo.InvariantCulture);
    }
}
