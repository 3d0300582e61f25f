using System.Text.Json.Nodes;
using Etcdserverpb;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Postgres;

namespace GrainKv.IntegrationTests.Snapshots;

/// <summary>
/// tools/GrainKv.Snapshot against a file etcdctl snapshot save wrote from GrainKv: status reports it as etcdctl does
/// a bbolt file, restore turns it into the data dirs of a new cluster whose silos serve the saved state, and it
/// refuses what etcd's restore refuses.
/// </summary>
public sealed class SnapshotRestoreTests : IClassFixture<SavedSnapshot>
{
    private readonly SavedSnapshot _saved;

    public SnapshotRestoreTests(SavedSnapshot saved)
    {
        _saved = saved;
    }

    [Fact]
    public async Task Status_SavedFile_PrintsTheMembersHashAndRevision()
    {
        var status = await SnapshotTool.RunAsync("status", _saved.File, "-w", "json");

        Assert.True(status.ExitCode == 0, status.Output);
        var json = JsonNode.Parse(status.Stdout)!;
        Assert.Equal(_saved.MemberHash, json["hash"]!.GetValue<uint>());
        Assert.Equal(_saved.Revision, json["revision"]!.GetValue<long>());
        // a@4 (the compaction at 4 dropped a@2), b@3, c@5, c's tombstone @6, held@7.
        Assert.Equal(5, json["totalKey"]!.GetValue<long>());
        Assert.True(json["totalSize"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Restore_OneMember_ServesTheSavedKeysHistoryRevisionAndLease()
    {
        using var cluster = await GrainKvCluster.StartAsync(size: 1, beforeFirstLaunch: RestoreAsync);
        var endpoint = cluster.Members[0].Endpoint;

        var keys = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "", "--prefix", "-w", "json");
        Assert.Equal(_saved.Keys, keys.NormalizedJson());
        using var client = new EtcdClient(cluster.Members[0].ClientUrl);
        var hash = await client.HashAsync();
        Assert.Equal((_saved.Revision, _saved.MemberHash), (hash.Header.Revision, hash.Hash));
        Assert.NotEqual(_saved.ClusterId, hash.Header.ClusterId);

        var compacted = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "a", "--rev", "3");
        Assert.Contains("required revision has been compacted", compacted.Stderr);
        var deleted = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "c", "--rev", "5");
        Assert.Equal("c\n4\n", deleted.Stdout);

        var lease = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "lease", "timetolive", _saved.LeaseIdHex, "--keys");
        Assert.Contains($"lease {_saved.LeaseIdHex} granted with TTL(600s)", lease.Stdout);
        Assert.Contains("attached keys([held])", lease.Stdout);

        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", "after", "restore")).ExitCode);
        var after = JsonNode.Parse((await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "after", "-w", "json")).Stdout)!;
        Assert.Equal(_saved.Revision + 1, after["kvs"]![0]!["mod_revision"]!.GetValue<long>());
    }

    [Fact]
    public async Task Restore_ThreeMembersFromOneFile_FormOneClusterHoldingTheSavedState()
    {
        using var cluster = await GrainKvCluster.StartAsync(size: 3, beforeFirstLaunch: RestoreAsync);

        Assert.Equal(_saved.Revision, await cluster.ConvergedRevisionAsync());
        var hashkv = await Infrastructure.Etcdctl.RunAsync(cluster.Endpoints, null, "endpoint", "hashkv", "-w", "json");
        var hashes = JsonNode.Parse(hashkv.Stdout)!.AsArray().Select(endpoint => endpoint!["HashKV"]!["hash"]!.GetValue<uint>()).ToArray();
        Assert.Equal(3, hashes.Length);
        Assert.Single(hashes.Distinct());
        var clusterIds = new HashSet<ulong>();
        foreach (var member in cluster.Members)
        {
            Assert.Equal(_saved.Keys, (await Infrastructure.Etcdctl.RunAsync(member.Endpoint, null, "get", "", "--prefix", "-w", "json")).NormalizedJson());
            using var client = new EtcdClient(member.ClientUrl);
            clusterIds.Add((await client.StatusAsync()).Header.ClusterId);
        }
        Assert.NotEqual(_saved.ClusterId, Assert.Single(clusterIds));

        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(cluster.Members[0].Endpoint, null, "put", "after", "restore")).ExitCode);
        Assert.Equal("after\nrestore\n", (await Infrastructure.Etcdctl.RunAsync(cluster.Members[2].Endpoint, null, "get", "after")).Stdout);
    }

    /// <summary>With --storage postgres the Raft state goes to the member's database and the data dir keeps its ids.</summary>
    [Fact]
    public async Task Restore_IntoPostgres_ServesTheSavedKeys_AndASecondRestoreIntoThatDatabaseIsRefused()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("infra1");
        string[] storage = ["--storage", "postgres", "--postgres-connection", connection];
        using var cluster = await GrainKvCluster.StartAsync(size: 1, extraArguments: _ => storage,
            beforeFirstLaunch: (cluster, member) => RestoreAsync(cluster, member, storage));

        var keys = await Infrastructure.Etcdctl.RunAsync(cluster.Members[0].Endpoint, null, "get", "", "--prefix", "-w", "json");
        Assert.Equal(_saved.Keys, keys.NormalizedJson());
        Assert.Equal(["member"], Directory.GetFileSystemEntries(cluster.Members[0].DataDir).Select(Path.GetFileName));

        var again = await SnapshotTool.RunAsync(["restore", _saved.File, "--data-dir", Path.Combine(_saved.Directory, "second-restore"), .. storage]);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("Error: the postgres store already holds Raft state of shard 1\n", again.Stderr);
    }

    [Fact]
    public async Task Restore_IntoANonEmptyDataDir_RefusesAndLeavesItAlone()
    {
        var dataDir = Directory.CreateTempSubdirectory("grainkv-restore-target-").FullName;
        try
        {
            var existing = Path.Combine(dataDir, "grainkv.db");
            await File.WriteAllTextAsync(existing, "someone's store");

            var restore = await SnapshotTool.RunAsync("restore", _saved.File, "--data-dir", dataDir);

            Assert.Equal(1, restore.ExitCode);
            Assert.Equal($"Error: data-dir \"{dataDir}\" exists and is not empty\n", restore.Stderr);
            Assert.Equal([existing], Directory.GetFileSystemEntries(dataDir));
            Assert.Equal("someone's store", await File.ReadAllTextAsync(existing));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Restore_CorruptFile_RefusesWithoutCreatingTheDataDir()
    {
        var corrupt = Path.Combine(_saved.Directory, "corrupt.snapshot");
        var bytes = await File.ReadAllBytesAsync(_saved.File);
        bytes[bytes.Length / 3] ^= 0x01;
        await File.WriteAllBytesAsync(corrupt, bytes);
        var dataDir = Path.Combine(_saved.Directory, "never-created");

        var restore = await SnapshotTool.RunAsync("restore", corrupt, "--data-dir", dataDir);
        var status = await SnapshotTool.RunAsync("status", corrupt);

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("failed the integrity check", restore.Stderr);
        Assert.Contains("the file is corrupt", restore.Stderr);
        Assert.False(Directory.Exists(dataDir));
        Assert.Equal((1, restore.Stderr), (status.ExitCode, status.Stderr));
    }

    /// <summary>What an operator runs on each member's machine before starting it: etcdctl's restore flags.</summary>
    private Task RestoreAsync(GrainKvCluster cluster, GrainKvCluster.Member member) => RestoreAsync(cluster, member, []);

    private async Task RestoreAsync(GrainKvCluster cluster, GrainKvCluster.Member member, string[] storage)
    {
        var restore = await SnapshotTool.RunAsync(["restore", _saved.File,
            "--name", member.Name, "--initial-cluster", cluster.InitialCluster, "--initial-cluster-token", GrainKvCluster.Token,
            "--initial-advertise-peer-urls", member.PeerUrl.ToString().TrimEnd('/'), "--data-dir", member.DataDir, .. storage]);
        Assert.True(restore.ExitCode == 0, restore.Output);
    }
}
