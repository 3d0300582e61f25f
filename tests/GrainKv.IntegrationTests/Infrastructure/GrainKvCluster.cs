using Etcdserverpb;
using Grpc.Core;
using System.Globalization;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// Three (or more) GrainKv silos on loopback forming one cluster through --initial-cluster, each
/// with its own data dir (SQLite) that survives a kill, so a member can be SIGKILLed and restarted.
/// Extra flags per member (a membership table, another storage) come from the caller.
/// </summary>
public sealed class GrainKvCluster : IDisposable
{
    /// <summary>The --initial-cluster-token of every member: the cluster's name in a membership table.</summary>
    public const string Token = "grainkv-test";

    /// <summary>The members' --election-timeout (their --heartbeat-interval is a tenth of it).</summary>
    public static readonly TimeSpan ElectionTimeout = TimeSpan.FromMilliseconds(500);

    private readonly string _root;
    private readonly Member[] _members;
    private readonly Func<Member, IEnumerable<string>> _extraArguments;

    private GrainKvCluster(string root, Member[] members, Func<Member, IEnumerable<string>> extraArguments)
    {
        _root = root;
        _members = members;
        _extraArguments = extraArguments;
    }

    public sealed class Member
    {
        internal Member(string name, Uri clientUrl, Uri peerUrl, string dataDir)
        {
            Name = name;
            ClientUrl = clientUrl;
            PeerUrl = peerUrl;
            DataDir = dataDir;
        }

        public string Name { get; }
        public Uri ClientUrl { get; }

        /// <summary>Its peer URL in --initial-cluster, fixed for the cluster's life.</summary>
        public Uri PeerUrl { get; }

        /// <summary>Its Orleans silo port (--orleans-silo-port), kept across restarts.</summary>
        public int OrleansSiloPort { get; } = FreePort.Next();

        /// <summary>Its Orleans gateway port (--orleans-gateway-port), where Orleans clients reach it.</summary>
        public int OrleansGatewayPort { get; } = FreePort.Next();
        public string DataDir { get; }
        public string Endpoint => $"{ClientUrl.Host}:{ClientUrl.Port}";
        public ServerProcess? Process { get; internal set; }
        public bool IsRunning => Process is { HasExited: false };
    }

    public IReadOnlyList<Member> Members => _members;

    public string Endpoints => string.Join(',', _members.Select(m => m.Endpoint));

    /// <summary>The members' --initial-cluster: name=peer-url,...</summary>
    public string InitialCluster => string.Join(',', _members.Select(m => $"{m.Name}={m.PeerUrl.ToString().TrimEnd('/')}"));

    /// <param name="beforeFirstLaunch">Runs for each member before its silo first starts, with its data dir not yet created (to restore a snapshot into it, say).</param>
    public static async Task<GrainKvCluster> StartAsync(int size = 3, Func<Member, IEnumerable<string>>? extraArguments = null,
        Func<GrainKvCluster, Member, Task>? beforeFirstLaunch = null)
    {
        var root = Directory.CreateTempSubdirectory("grainkv-cluster-").FullName;
        var members = Enumerable.Range(1, size).Select(i => new Member(
            $"infra{i}",
            new Uri($"http://127.0.0.1:{FreePort.Next()}"),
            new Uri($"http://127.0.0.1:{FreePort.Next()}"),
            Path.Combine(root, $"infra{i}.data"))).ToArray();
        var cluster = new GrainKvCluster(root, members, extraArguments ?? (_ => []));
        foreach (var member in members)
        {
            if (beforeFirstLaunch is not null) await beforeFirstLaunch(cluster, member);
        }
        foreach (var member in members) cluster.Launch(member);
        foreach (var member in members) await Readiness.WaitAsync(member.ClientUrl, member.Process!, member.Name);
        return cluster;
    }

    /// <summary>The running member that says it leads (every member runs every shard's replica).</summary>
    public async Task<Member> LeaderAsync()
    {
        foreach (var member in _members.Where(m => m.IsRunning))
        {
            using var client = new EtcdClient(member.ClientUrl);
            var status = await client.StatusAsync();
            if (status.Leader == status.Header.MemberId) return member;
        }
        throw new InvalidOperationException("no member says it leads");
    }

    /// <summary>Hands leadership to <paramref name="target"/> (etcdctl move-leader), unless it leads already.</summary>
    public async Task MoveLeaderAsync(Member target)
    {
        var leader = await LeaderAsync();
        if (leader == target) return;
        using var targetClient = new EtcdClient(target.ClientUrl);
        var targetId = (await targetClient.StatusAsync()).Header.MemberId;
        using var leaderClient = new EtcdClient(leader.ClientUrl);
        await leaderClient.MoveLeaderAsync(targetId);
    }

    /// <summary>
    /// Waits until every member has applied the same revision and hashes its history equally; returns that revision.
    /// A member that cannot answer yet (just restarted, its replica catching up) has not converged yet.
    /// </summary>
    public async Task<long> ConvergedRevisionAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var hashes = new List<(long Revision, uint Hash)>();
            try
            {
                foreach (var member in _members)
                {
                    using var client = new EtcdClient(member.ClientUrl);
                    var hash = await client.HashKvAsync();
                    hashes.Add((hash.Header.Revision, hash.Hash));
                }
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                last = $"{string.Join(", ", hashes)}, then {error.Status.Detail}";
                await Task.Delay(100);
                continue;
            }
            if (hashes.Distinct().Count() == 1) return hashes[0].Revision;
            last = string.Join(", ", hashes);
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"replicas did not converge: {last}");
    }

    /// <summary>SIGKILL: the member's process dies with no chance to flush or say goodbye.</summary>
    public void Kill(Member member) => member.Process?.Kill();

    /// <summary>Starts a stopped member again on its data dir.</summary>
    public async Task RestartAsync(Member member)
    {
        member.Process?.Dispose();
        Launch(member);
        await Readiness.WaitAsync(member.ClientUrl, member.Process!, member.Name);
    }

    public void Dispose()
    {
        foreach (var member in _members) member.Process?.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// A second silo process for <paramref name="member"/>: its name and data dir, its own client and peer URLs and
    /// Orleans ports. The caller disposes it.
    /// </summary>
    public ServerProcess StartSecondProcess(Member member, Uri clientUrl, Uri listenPeerUrl) =>
        Start(member, clientUrl, listenPeerUrl, FreePort.Next(), FreePort.Next());

    private void Launch(Member member) =>
        member.Process = Start(member, member.ClientUrl, member.PeerUrl, member.OrleansSiloPort, member.OrleansGatewayPort);

    private ServerProcess Start(Member member, Uri clientUrl, Uri listenPeerUrl, int orleansSiloPort, int orleansGatewayPort)
    {
        var siloDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Silo.dll");
        return ServerProcess.Start("dotnet",
        [
            siloDll, "--name", member.Name, "--data-dir", member.DataDir,
            "--listen-client-urls", clientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", listenPeerUrl.ToString().TrimEnd('/'),
            "--initial-cluster", InitialCluster, "--initial-cluster-token", Token,
            "--heartbeat-interval", (ElectionTimeout.TotalMilliseconds / 10).ToString(CultureInfo.InvariantCulture),
            "--election-timeout", ElectionTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
            "--snapshot-count", 200.ToString(CultureInfo.InvariantCulture),
            "--orleans-silo-port", orleansSiloPort.ToString(CultureInfo.InvariantCulture),
            "--orleans-gateway-port", orleansGatewayPort.ToString(CultureInfo.InvariantCulture),
            .. _extraArguments(member),
        ]);
    }
}
