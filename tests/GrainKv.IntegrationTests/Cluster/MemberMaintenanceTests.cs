using System.Security.Cryptography;
using Etcdserverpb;
using GrainKv.Gateway.Snapshots;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>Maintenance.Hash, Snapshot and Defragment on the members of a three-silo cluster and through a stand-alone gateway.</summary>
public sealed class MemberMaintenanceTests
{
    [Fact]
    public async Task Hash_MembersAgreeOnceConvergedAndAWriteChangesIt()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var endpoint = cluster.Members[0].Endpoint;
        for (var i = 0; i < 5; i++) Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", $"hash/{i}", $"v{i}")).ExitCode);
        var revision = await cluster.ConvergedRevisionAsync();

        var before = await HashesAsync(cluster);
        Assert.Equal(3, before.Select(hash => hash.Header.MemberId).Distinct().Count());
        Assert.All(before, hash => Assert.Equal(revision, hash.Header.Revision));
        Assert.Single(before.Select(hash => hash.Hash).Distinct());

        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", "hash/0", "changed")).ExitCode);
        await cluster.ConvergedRevisionAsync();
        var after = await HashesAsync(cluster);

        Assert.Single(after.Select(hash => hash.Hash).Distinct());
        Assert.NotEqual(before[0].Hash, after[0].Hash);
    }

    /// <summary>A stand-alone gateway holds no replica: it relays these to the silo that answers its Status.</summary>
    [Fact]
    public async Task SnapshotSaveAndDefrag_ThroughAStandaloneGateway_AreASilosOwn()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        using var gateway = await GrainKvGateway.StartAsync(cluster);
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(gateway.Endpoint, null, "put", "gw/snap", "1")).ExitCode);
        var file = Path.Combine(Directory.CreateTempSubdirectory("grainkv-snapshot-").FullName, "gateway.db");

        var saved = await Infrastructure.Etcdctl.RunAsync(gateway.Endpoint, null, "snapshot", "save", file);
        var defragmented = await Infrastructure.Etcdctl.RunAsync(gateway.Endpoint, null, "defrag");

        Assert.True(saved.ExitCode == 0, saved.Stderr);
        Assert.True(defragmented.ExitCode == 0, defragmented.Stderr);
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
        using var client = new EtcdClient(gateway.ClientUrl);
        var status = await client.StatusAsync();
        var header = MemberSnapshotHeader.Decode(bytes);
        Assert.Equal(status.Header.MemberId, header.MemberId);
        Assert.Equal(status.Header.Revision, header.Revision);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    private static async Task<List<HashResponse>> HashesAsync(GrainKvCluster cluster)
    {
        var hashes = new List<HashResponse>();
        foreach (var member in cluster.Members)
        {
            using var client = new EtcdClient(member.ClientUrl);
            hashes.Add(await client.HashAsync());
        }
        return hashes;
    }
}
