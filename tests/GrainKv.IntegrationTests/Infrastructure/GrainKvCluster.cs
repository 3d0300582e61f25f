using System.Globalization;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// Three (or more) GrainKv silos on loopback forming one cluster through --initial-cluster, each
/// with its own data dir (SQLite) that survives a kill, so a member can be SIGKILLed and restarted.
/// </summary>
public sealed class GrainKvCluster : IDisposable
{
    private readonly string _root;
    private readonly Member[] _members;

    private GrainKvCluster(string root, Member[] members)
    {
        _root = root;
        _members = members;
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
        public Uri PeerUrl { get; }
        public string DataDir { get; }
        public string Endpoint => $"{ClientUrl.Host}:{ClientUrl.Port}";
        public ServerProcess? Process { get; internal set; }
        public bool IsRunning => Process is { HasExited: false };
    }

    public IReadOnlyList<Member> Members => _members;

    public string Endpoints => string.Join(',', _members.Select(m => m.Endpoint));

    public static async Task<GrainKvCluster> StartAsync(int size = 3)
    {
        var root = Directory.CreateTempSubdirectory("grainkv-cluster-").FullName;
        var members = Enumerable.Range(1, size).Select(i => new Member(
            $"infra{i}",
            new Uri($"http://127.0.0.1:{FreePort.Next()}"),
            new Uri($"http://127.0.0.1:{FreePort.Next()}"),
            Path.Combine(root, $"infra{i}.data"))).ToArray();
        var cluster = new GrainKvCluster(root, members);
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

    /// <summary>SIGKILL: the member's process dies with no chance to flush or say goodbye.</summary>
    public void Kill(Member member) => member.Process?.Kill();

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

    private void Launch(Member member)
    {
        var initialCluster = string.Join(',', _members.Select(m => $"{m.Name}={m.PeerUrl.ToString().TrimEnd('/')}"));
        var siloDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Silo.dll");
        member.Process = ServerProcess.Start("dotnet",
        [
            siloDll, "--name", member.Name, "--data-dir", member.DataDir,
            "--listen-client-urls", member.ClientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", member.PeerUrl.ToString().TrimEnd('/'),
            "--initial-cluster", initialCluster, "--initial-cluster-token", "grainkv-test",
            "--heartbeat-interval", "50", "--election-timeout", "500",
            "--snapshot-count", 200.ToString(CultureInfo.InvariantCulture),
        ]);
    }
}
