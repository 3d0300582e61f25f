using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Linearizability;
using GrainKv.Testing.Postgres;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Gateway;

/// <summary>
/// A stand-alone gateway process in front of three silo processes: etcdctl works through it as against
/// a silo, and when the leader's silo is SIGKILLed under a load through the gateway, requests resume, no
/// acknowledged write is lost, the history stays linearizable, and a watch open through the gateway
/// across the kill sees every event once.
/// </summary>
public sealed class StandaloneGatewayTests
{
    private static readonly Dictionary<string, string> Api3 = new() { ["ETCDCTL_API"] = "3" };
    /// <summary>
    /// Twice the silos' bound (<see cref="Cluster.ClusterFaultTests"/>): a kill sometimes stalls the gateway's writes for
    /// over 15 s under the suite's load (calls in flight through a killed gateway silo end only at the request timeout,
    /// and the next ones can wait out the silos' failover), which is a known gap, not a bound we promise.
    /// </summary>
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(30);

    /// <summary>How long after writes resumed a call made during the outage may still fail: the request timeout (6 s), and slack.</summary>
    private static readonly TimeSpan OutageTail = TimeSpan.FromSeconds(10);

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task Etcdctl_PutGetWatchLeaseAndMembers_ThroughGateway()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        using var gateway = await GrainKvGateway.StartAsync(cluster);
        var endpoint = gateway.Endpoint;

        var first = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "-w", "json", "put", "gw/a", "1");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var revision = JsonNode.Parse(first.Stdout)!["header"]!["revision"]!.GetValue<long>();
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", "gw/a", "2")).ExitCode);
        var get = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "gw/a");
        Assert.Equal(["gw/a", "2"], Lines(get.Stdout));

        using (var watch = ServerProcess.Start("etcdctl", ["--endpoints", endpoint, "watch", "--prefix", "gw/", "--rev", revision.ToString(CultureInfo.InvariantCulture)], Api3))
        {
            Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "del", "gw/a")).ExitCode);
            await EventuallyAsync(() => watch.Output.Contains("DELETE"), () => $"watch printed: {watch.Output}");
            Assert.Equal(["PUT", "gw/a", "1", "PUT", "gw/a", "2", "DELETE", "gw/a"], Lines(watch.Output).Take(8));
        }

        var grant = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "-w", "json", "lease", "grant", "30");
        Assert.True(grant.ExitCode == 0, grant.Stderr);
        var lease = JsonNode.Parse(grant.Stdout)!["ID"]!.GetValue<long>().ToString("x", CultureInfo.InvariantCulture);
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", "--lease", lease, "gw/leased", "v")).ExitCode);
        var keptAlive = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "lease", "keep-alive", "--once", lease);
        Assert.Contains("keepalived with TTL(30)", keptAlive.Stdout);
        var timeToLive = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "lease", "timetolive", lease, "--keys");
        Assert.Contains("gw/leased", timeToLive.Stdout);
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "lease", "revoke", lease)).ExitCode);
        Assert.Empty((await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "gw/leased")).Stdout.Trim());

        // member list asks each member's grain, on its own silo, for its client URLs.
        var members = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "member", "list");
        Assert.True(members.ExitCode == 0, members.Stderr);
        foreach (var member in cluster.Members) Assert.Contains(member.ClientUrl.ToString().TrimEnd('/'), members.Stdout);
        // The gateway has no storage: it reports the size of the store of the silo whose replica answered.
        var status = (await JsonOfAsync(endpoint, "endpoint", "status")).AsArray().Single()!["Status"]!;
        var answeredBy = status["header"]!["member_id"]!.GetValue<ulong>();
        var siloStatuses = await Task.WhenAll(cluster.Members.Select(async m => (await JsonOfAsync(m.Endpoint, "endpoint", "status")).AsArray().Single()!["Status"]!));
        var siloStatus = siloStatuses.Single(s => s["header"]!["member_id"]!.GetValue<ulong>() == answeredBy);
        Assert.True(status["dbSize"]!.GetValue<long>() > 0, $"dbSize through the gateway: {status}");
        Assert.InRange(status["dbSize"]!.GetValue<long>(), siloStatus["dbSize"]!.GetValue<long>() / 2, siloStatus["dbSize"]!.GetValue<long>() * 2);
    }

    /// <summary>The gateway has no storage: the silo that takes a write into the Raft group checks its own quota.</summary>
    [Fact]
    public async Task SilosOverTheirQuota_WriteThroughGatewayRefused_RaisesNoSpace_ReadsAndDeletesStillWork()
    {
        // Every silo's data dir holds more than one byte from the start.
        using var cluster = await GrainKvCluster.StartAsync(extraArguments: _ => ["--quota-backend-bytes", "1"]);
        using var gateway = await GrainKvGateway.StartAsync(cluster);
        using var client = new EtcdClient(gateway.ClientUrl);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.PutAsync("quota/k", "v"));
        var refusedLease = await Assert.ThrowsAsync<RpcException>(() =>
            client.LeaseGrantAsync(new LeaseGrantRequest { TTL = 30 }));

        Assert.All([refused, refusedLease], error =>
            Assert.Equal((StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"), (error.StatusCode, error.Status.Detail)));
        var alarm = Assert.Single((await client.AlarmAsync(new AlarmRequest())).Alarms);
        var members = await client.MemberListAsync();
        Assert.Equal(AlarmType.Nospace, alarm.Alarm);
        Assert.Contains(alarm.MemberID, members.Members.Select(m => m.ID));
        Assert.Empty((await client.RangeAsync(new RangeRequest { Key = B("quota/k") })).Kvs);
        Assert.Equal(0, (await client.DeleteRangeAsync(new DeleteRangeRequest { Key = B("quota/k") })).Deleted);
    }

    [Fact]
    public async Task LeaderKilledUnderLoad_ThroughGateway_ResumesLosesNothingAndWatchMissesNothing()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        // The gateway relays watches from the first silo it lists: with the leader there, the kill cuts the
        // front door the gateway prefers and the watch's upstream at once.
        await cluster.MoveLeaderAsync(cluster.Members[0]);
        using var gateway = await GrainKvGateway.StartAsync(cluster);

        await KillLeaderUnderLoadAsync(cluster, gateway, cluster.Members[0]);
    }

    /// <summary>
    /// The cluster deployment: each silo stores its Raft log on its own PostgreSQL server, silos and the
    /// gateway find each other in the membership table on the first server.
    /// </summary>
    [Fact]
    public async Task LeaderKilledUnderLoad_SilosOnPostgresWithMembershipTable_ThroughGateway_ResumesLosesNothingAndWatchMissesNothing()
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresServer.StartAsync()));
        try
        {
            var (membership, siloFlags) = await PostgresDeploymentAsync(servers);
            using var cluster = await GrainKvCluster.StartAsync(extraArguments: siloFlags);
            await cluster.MoveLeaderAsync(cluster.Members[0]);
            using var gateway = await GrainKvGateway.StartAsync(cluster, membership);

            await KillLeaderUnderLoadAsync(cluster, gateway, cluster.Members[0]);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    /// <summary>
    /// The cluster deployment again, each silo in turn SIGKILLed and restarted, the first one included: none is
    /// special to the gateway, the membership table or the Raft groups.
    /// </summary>
    [Fact]
    public async Task EachSiloInTurnKilledUnderLoad_SilosOnPostgresWithMembershipTable_ThroughGateway_ResumesLosesNothingAndWatchMissesNothing()
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresServer.StartAsync()));
        try
        {
            var (membership, siloFlags) = await PostgresDeploymentAsync(servers);
            using var cluster = await GrainKvCluster.StartAsync(extraArguments: siloFlags);
            using var gateway = await GrainKvGateway.StartAsync(cluster, membership);

            await KillInTurnUnderLoadAsync(cluster, gateway, cluster.Members);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    /// <summary>
    /// A gateway given nothing but the membership table the silos cluster through finds them there and learns the cluster
    /// from them: its member list and status carry the cluster id, member ids, names and peer URLs the silos answer with,
    /// and it serves etcdctl, and a load through the leader's death, as one given --initial-cluster does.
    /// </summary>
    [Fact]
    public async Task MembershipTableAlone_GatewayAnswersWithTheSilosIds_AndServesThroughTheLeadersDeath()
    {
        await using var postgres = await PostgresServer.StartAsync();
        string[] membership = ["--membership-connection", await postgres.CreateDatabaseAsync("membership")];
        using var cluster = await GrainKvCluster.StartAsync(extraArguments: _ => membership);
        await cluster.MoveLeaderAsync(cluster.Members[0]);
        using var gateway = await GrainKvGateway.StartFromMembershipTableAsync(membership);
        var silo = cluster.Members[1];

        var put = await Infrastructure.Etcdctl.RunAsync(gateway.Endpoint, null, "put", "table/a", "1");
        Assert.True(put.ExitCode == 0, put.Stderr);
        Assert.Equal(["table/a", "1"], Lines((await Infrastructure.Etcdctl.RunAsync(gateway.Endpoint, null, "get", "table/a")).Stdout));

        var members = await JsonOfAsync(gateway.Endpoint, "member", "list");
        var siloMembers = await JsonOfAsync(silo.Endpoint, "member", "list");
        Assert.Equal(ClusterIdOf(siloMembers), ClusterIdOf(members));
        Assert.Equal(MembersOf(siloMembers), MembersOf(members));
        Assert.Equal(cluster.Members.Select(m => m.Name).Order(), MembersOf(members).Select(m => m.Name).Order());
        foreach (var member in members["members"]!.AsArray())
        {
            var clientUrl = cluster.Members.Single(m => m.Name == member!["name"]!.GetValue<string>()).ClientUrl.ToString().TrimEnd('/');
            Assert.Equal([clientUrl], member!["clientURLs"]!.AsArray().Select(url => url!.GetValue<string>()));
        }
        var status = (await JsonOfAsync(gateway.Endpoint, "endpoint", "status")).AsArray().Single()!["Status"]!;
        Assert.Equal(ClusterIdOf(siloMembers), ClusterIdOf(status));
        Assert.Contains(status["header"]!["member_id"]!.GetValue<ulong>(), MembersOf(siloMembers).Select(m => m.Id));

        await KillLeaderUnderLoadAsync(cluster, gateway, cluster.Members[0]);
    }

    [Fact]
    public async Task NeitherInitialClusterNorMembershipTable_GatewayRefusesToStart_NamingBoth()
    {
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Gateway.dll");

        var result = await CommandLineTool.RunAsync("dotnet", [gatewayDll, "--listen-client-urls", $"http://127.0.0.1:{FreePort.Next()}"],
            TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}:\n{result.Output}");
        Assert.Contains("give --membership-connection", result.Stderr);
        Assert.Contains("or --initial-cluster", result.Stderr);
    }

    [Fact]
    public async Task ClientPortInUse_GatewayRefusesToStart_AsEtcdRefusesIt()
    {
        var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Gateway.dll");

        var result = await CommandLineTool.RunAsync("dotnet",
            [gatewayDll, "--listen-client-urls", $"http://127.0.0.1:{port}", "--initial-cluster", $"a=http://127.0.0.1:{FreePort.Next()}"],
            TimeSpan.FromMinutes(1));
        occupant.Stop();

        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}:\n{result.Output}");
        Assert.Equal($"grainkv: listen tcp 127.0.0.1:{port}: bind: address already in use", result.Stderr.Trim());
    }

    /// <summary>Given both, --initial-cluster wins, so it must be the cluster the silos found in the table report.</summary>
    [Fact]
    public async Task InitialClusterOtherThanTheTablesSilosReport_GatewayRefusesToStart()
    {
        await using var postgres = await PostgresServer.StartAsync();
        string[] membership = ["--membership-connection", await postgres.CreateDatabaseAsync("membership")];
        using var cluster = await GrainKvCluster.StartAsync(size: 1, extraArguments: _ => membership);
        var elsewhere = $"{cluster.Members[0].Name}=http://127.0.0.1:{FreePort.Next()}";
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Gateway.dll");

        var result = await CommandLineTool.RunAsync("dotnet",
            [gatewayDll, "--listen-client-urls", $"http://127.0.0.1:{FreePort.Next()}", "--initial-cluster", elsewhere,
                "--initial-cluster-token", GrainKvCluster.Token, .. membership],
            TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}:\n{result.Output}");
        Assert.Contains($"but the silos of cluster '{GrainKvCluster.Token}' report cluster", result.Output);
    }

    /// <summary>
    /// The cluster deployment's flags: each silo stores its Raft log on its own PostgreSQL server; silos (and the
    /// gateway, given <c>Membership</c>) find each other in the membership table on the first server.
    /// </summary>
    private static async Task<(string[] Membership, Func<GrainKvCluster.Member, IEnumerable<string>> SiloFlags)> PostgresDeploymentAsync(PostgresServer[] servers)
    {
        string[] membership = ["--membership-connection", await servers[0].CreateDatabaseAsync("membership")];
        var storage = new Dictionary<string, string>();
        for (var i = 0; i < servers.Length; i++) storage[$"infra{i + 1}"] = await servers[i].CreateDatabaseAsync("grainkv");
        return (membership, member => [.. membership, "--storage", "postgres", "--postgres-connection", storage[member.Name]]);
    }

    /// <summary>The fault scenario of <see cref="KillInTurnUnderLoadAsync"/> with one victim, the silo of <paramref name="leader"/>, which must lead.</summary>
    internal static Task KillLeaderUnderLoadAsync(GrainKvCluster cluster, GrainKvGateway gateway, GrainKvCluster.Member leader) =>
        KillInTurnUnderLoadAsync(cluster, gateway, [leader], firstLeads: true);

    /// <summary>
    /// The fault scenario through a gateway, whatever the silos' storage and membership: a watch on every key
    /// and a register load through the gateway, each victim's silo in turn SIGKILLed and restarted, then the checks.
    /// </summary>
    internal static async Task KillInTurnUnderLoadAsync(GrainKvCluster cluster, GrainKvGateway gateway, IReadOnlyList<GrainKvCluster.Member> victims,
        bool firstLeads = false)
    {
        var start = await WriteThroughAsync(gateway, "gw-start") + 1;
        var everyKey = new WatchCreateRequest { Key = ByteString.CopyFrom(0), RangeEnd = ByteString.CopyFrom(0), PrevKv = true };
        await using var watch = new ResumingWatch("every key through the gateway", everyKey, start, [gateway.ClientUrl]);
        await watch.StartAsync();
        var load = new RegisterLoad([gateway.ClientUrl]);
        load.Start();

        var outages = new List<(string Victim, DateTime From, DateTime To)>();
        foreach (var victim in victims)
        {
            await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));
            if (firstLeads && victim == victims[0]) Assert.Equal(victim.Name, (await cluster.LeaderAsync()).Name);
            var killed = DateTime.UtcNow;
            cluster.Kill(victim);
            await load.WaitForWritesAsync(50, ResumeWithin, $"writes through the gateway did not resume within {ResumeWithin} after killing {victim.Name}");
            outages.Add((victim.Name, killed, DateTime.UtcNow + OutageTail));
            await cluster.RestartAsync(victim);
        }
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));
        await load.StopAsync();

        // A kill fails each client's call in flight with the silo and, on a machine slow enough that the election
        // outlasts a request, one more call that waited it out; nothing fails outside an outage (a restart included).
        var failures = $"{load.Failures.Count} calls failed: {string.Join(" | ", load.Failures)}; outages: "
            + string.Join(" | ", outages.Select(o => $"{o.Victim} {o.From:HH:mm:ss.fff}-{o.To:HH:mm:ss.fff}"));
        Assert.True(load.Failures.All(f => outages.Any(o => f.At >= o.From && f.At <= o.To)), $"a call failed outside an outage: {failures}");
        foreach (var (_, from, to) in outages)
        {
            var inOutage = load.Failures.Where(f => f.At >= from && f.At <= to);
            Assert.True(inOutage.GroupBy(f => f.Client).All(client => client.Count() <= 2), $"a client failed more than twice in one outage: {failures}");
        }

        var end = await WriteThroughAsync(gateway, "gw-end");
        var revision = await cluster.ConvergedRevisionAsync();
        await load.AssertAcknowledgedOnEveryMemberAsync(cluster, revision);
        LinearizabilityChecker.Assert(load.History, "3-silo fault test through a stand-alone gateway");

        await watch.WaitForRevisionAsync(end, CatchUpWithin);
        var history = await ResumingWatch.HistoryAsync(cluster.Members[0].ClientUrl, everyKey, start, end, CatchUpWithin);
        Assert.Equal(0, watch.Resumes);
        Assert.Equal(history, watch.Events);
        var watchedAcks = watch.Events.Where(e => e.Key.StartsWith("ack/", StringComparison.Ordinal)).Select(e => e.Key).ToHashSet();
        Assert.All(load.AcknowledgedKeys, key => Assert.Contains(key, watchedAcks));
    }

    /// <summary>A put through the gateway, asked again if it fails (it may then have happened twice; no check depends on it).</summary>
    private static async Task<long> WriteThroughAsync(GrainKvGateway gateway, string key)
    {
        using var client = new EtcdClient(gateway.ClientUrl);
        return (await UnavailableRetry.CallAsync(() => client.PutAsync(key, "0"), CatchUpWithin)).Header.Revision;
    }

    /// <summary>What etcdctl prints with -w json for <paramref name="command"/> at <paramref name="endpoint"/>.</summary>
    private static async Task<JsonNode> JsonOfAsync(string endpoint, params string[] command)
    {
        var result = await Infrastructure.Etcdctl.RunAsync(endpoint, null, ["-w", "json", .. command]);
        Assert.True(result.ExitCode == 0, $"etcdctl {string.Join(' ', command)} at {endpoint}: {result.Stderr}");
        return JsonNode.Parse(result.Stdout)!;
    }

    private static ulong ClusterIdOf(JsonNode response) => response["header"]!["cluster_id"]!.GetValue<ulong>();

    /// <summary>The members of a member list as the Raft group knows them: id, name and peer URLs, by id.</summary>
    private static (ulong Id, string Name, string PeerUrls)[] MembersOf(JsonNode memberList) =>
        memberList["members"]!.AsArray()
            .Select(member => (member!["ID"]!.GetValue<ulong>(), member["name"]!.GetValue<string>(),
                string.Join(',', member["peerURLs"]!.AsArray().Select(url => url!.GetValue<string>()))))
            .OrderBy(member => member.Item1)
            .ToArray();

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task EventuallyAsync(Func<bool> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(50);
        }
    }
}
