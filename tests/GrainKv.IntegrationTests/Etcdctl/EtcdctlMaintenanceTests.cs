using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Snapshots;
using GrainKv.Grains.Shard;
using GrainKv.IntegrationTests.Differential;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Shard;

namespace GrainKv.IntegrationTests.Etcdctl;

/// <summary>
/// etcdctl defrag and snapshot save against GrainKv and a real etcd 3.4: they succeed and print the same, and
/// GrainKv's snapshot file is its documented member snapshot behind the SHA-256 trailer etcdctl checks.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class EtcdctlMaintenanceTests : IDisposable
{
    private readonly DifferentialFixture _both;
    private readonly string _directory = Directory.CreateTempSubdirectory("grainkv-snapshot-").FullName;

    public EtcdctlMaintenanceTests(DifferentialFixture both)
    {
        _both = both;
    }

    [Fact]
    public async Task Defrag_SucceedsAndPrintsWhatEtcdPrints()
    {
        var expected = await Infrastructure.Etcdctl.RunAsync(_both.Etcd.Endpoint, null, "defrag");
        var actual = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "defrag");

        Assert.True(expected.ExitCode == 0, expected.Stderr);
        Assert.True(actual.ExitCode == 0, actual.Stderr);
        Assert.Equal($"Finished defragmenting etcd member[{_both.GrainKv.Endpoint}]\n", actual.Stdout);
        Assert.Equal(expected.Stdout.Replace(_both.Etcd.Endpoint, "ENDPOINT"), actual.Stdout.Replace(_both.GrainKv.Endpoint, "ENDPOINT"));
    }

    /// <summary>As etcd's raft, a transfer to the member that already leads is a no-op that succeeds.</summary>
    [Fact]
    public async Task MoveLeader_ToTheLeaderItself_SucceedsAndPrintsWhatEtcdPrints()
    {
        async Task<(string Id, Infrastructure.Etcdctl.Result Move)> MoveToItself(string endpoint)
        {
            var status = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "-w", "json", "endpoint", "status");
            var id = JsonNode.Parse(status.Stdout)!.AsArray().Single()!["Status"]!["leader"]!.GetValue<ulong>().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            return (id, await Infrastructure.Etcdctl.RunAsync(endpoint, null, "move-leader", id));
        }

        var (etcdId, expected) = await MoveToItself(_both.Etcd.Endpoint);
        var (grainKvId, actual) = await MoveToItself(_both.GrainKv.Endpoint);

        Assert.True(expected.ExitCode == 0, expected.Stderr);
        Assert.True(actual.ExitCode == 0, actual.Stderr);
        Assert.Equal($"Leadership transferred from {grainKvId} to {grainKvId}\n", actual.Stdout);
        Assert.Equal(expected.Stdout.Replace(etcdId, "ID"), actual.Stdout.Replace(grainKvId, "ID"));
    }

    [Fact]
    public async Task SnapshotSave_WritesTheMemberStateAtItsRevisionBehindASha256Trailer()
    {
        long revision = 0;
        foreach (var (key, value) in new[] { ("snap/a", "1"), ("snap/b", "2"), ("snap/a", "3") })
        {
            await Infrastructure.Etcdctl.RunAsync(_both.Etcd.Endpoint, null, "put", key, value);
            var put = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "-w", "json", "put", key, value);
            revision = JsonNode.Parse(put.Stdout)!["header"]!["revision"]!.GetValue<long>();
        }
        var etcdFile = Path.Combine(_directory, "etcd.db");
        var grainKvFile = Path.Combine(_directory, "grainkv.db");

        var expected = await Infrastructure.Etcdctl.RunAsync(_both.Etcd.Endpoint, null, "snapshot", "save", etcdFile);
        var actual = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "snapshot", "save", grainKvFile);

        Assert.True(expected.ExitCode == 0, expected.Stderr);
        Assert.True(actual.ExitCode == 0, actual.Stderr);
        Assert.Equal($"Snapshot saved at {grainKvFile}\n", actual.Stdout);
        var file = await File.ReadAllBytesAsync(grainKvFile);
        Assert.Equal(32, file.Length % 512);
        Assert.Equal(SHA256.HashData(file.AsSpan(0, file.Length - 32)), file[^32..]);

        var header = MemberSnapshotHeader.Decode(file);
        Assert.Equal((await _both.GrainKvClient.StatusAsync()).Header.MemberId, header.MemberId);
        Assert.Equal(revision, header.Revision);
        var shard = Assert.Single(header.Shards);
        Assert.Equal(1UL, shard.ShardId);
        Assert.Equal(revision, shard.Revision);
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);
        state.RestoreSnapshot(new MemoryStream(file, header.EncodedBytes, (int)shard.StateBytes, writable: false));
        var read = state.Read(new ShardRead { Range = new RangeRequest { Key = ByteString.CopyFromUtf8("snap/"), RangeEnd = ByteString.CopyFromUtf8("snap0") } });
        Assert.Equal(["snap/a=3", "snap/b=2"], read.Range.Kvs.Select(kv => $"{kv.Key.ToStringUtf8()}={kv.Value.ToStringUtf8()}"));
        Assert.All(file.AsSpan(header.EncodedBytes + (int)shard.StateBytes, file.Length - 32 - header.EncodedBytes - (int)shard.StateBytes).ToArray(),
            padding => Assert.Equal(0, padding));
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
