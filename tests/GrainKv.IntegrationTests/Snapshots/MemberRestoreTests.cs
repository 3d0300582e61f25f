using GrainKv.Gateway.Snapshots;
using GrainKv.Grains.Cluster;
using GrainKv.Snapshot;

namespace GrainKv.IntegrationTests.Snapshots;

/// <summary>The pure part of a restore: which member of which cluster, and what it stores per shard.</summary>
public sealed class MemberRestoreTests
{
    private const string Cluster = "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380";

    [Fact]
    public void RestoredMember_IdsAreThoseASiloStartedWithTheSameFlagsComputes()
    {
        var member = RestoredMember.Of("m2", Cluster, "new-token", ["http://10.0.0.2:2380/"]);

        var members = InitialCluster.Parse(Cluster);
        Assert.Equal(ClusterIdentity.ClusterIdOf("new-token", members), member.ClusterId);
        Assert.NotEqual(ClusterIdentity.ClusterIdOf("old-token", members), member.ClusterId);
        Assert.Equal(members[1], member.Self);
        Assert.Equal(members.Select(m => m.Id), member.MemberIds);
    }

    [Theory]
    [InlineData("m4", "http://10.0.0.4:2380", "does not name this member ('m4')")]
    [InlineData("m2", "http://10.0.0.9:2380", "--initial-cluster has m2=http://10.0.0.2:2380 but --initial-advertise-peer-urls is http://10.0.0.9:2380")]
    public void RestoredMember_FlagsThatDoNotDescribeTheMember_AreRefused(string name, string advertised, string message)
    {
        var refused = Assert.Throws<ArgumentException>(() => RestoredMember.Of(name, Cluster, "t", [advertised]));

        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public void WriteFor_StoresTheStateAsARaftSnapshotEveryMemberVotesIn_CommittedAtItsIndex()
    {
        var voters = new ulong[] { 11, 22, 33 };
        var restore = new MemberRestore(FileWith(shardId: 1, appliedIndex: 57, state: [1, 2, 3]), voters);

        var write = restore.WriteFor(1, generation: 4);

        Assert.Equal((1UL, 4UL), (write.GroupId, write.Generation));
        Assert.Equal((57UL, MemberRestore.Term), (write.Snapshot!.Metadata.Index, write.Snapshot.Metadata.Term));
        Assert.Equal(voters, write.Snapshot.Metadata.ConfState.Voters);
        Assert.Equal(voters, write.ConfState!.Voters);
        Assert.Equal(new byte[] { 1, 2, 3 }, write.Snapshot.Data.ToByteArray());
        Assert.Equal((MemberRestore.Term, 0UL, 57UL), (write.HardState!.Term, write.HardState.Vote, write.HardState.Commit));
        Assert.Empty(write.Entries);
    }

    [Fact]
    public void MemberRestore_ShardASiloDoesNotHost_IsRefused()
    {
        var refused = Assert.Throws<InvalidDataException>(() => new MemberRestore(FileWith(shardId: 2, appliedIndex: 5, state: [9]), [11]));

        Assert.Equal("The snapshot holds shards 2, but a GrainKv silo hosts shards 1.", refused.Message);
    }

    /// <summary>A file whose SHA-256 matches but whose state no silo could load (only a bug would write one) is refused.</summary>
    [Fact]
    public void LoadedShards_StateThatDoesNotLoad_IsRefusedNamingTheShard()
    {
        var refused = Assert.Throws<SnapshotRefusedException>(() => LoadedShards.Of(FileWith(shardId: 1, appliedIndex: 5, state: [1, 2, 3])));

        Assert.StartsWith("the state of shard 1 in the snapshot does not load: ", refused.Message);
    }

    [Fact]
    public void LoadedShards_StateASiloWrote_LoadsWithItsKeys()
    {
        var shard = new GrainKv.Grains.Shard.ShardStateMachine(minLeaseTtlSeconds: 1);
        shard.Apply(new GrainKv.Shard.ShardCommand { Put = new Etcdserverpb.PutRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("k") } }, nowMs: 0);
        using var state = new MemoryStream();
        shard.WriteSnapshot(state);

        var loaded = LoadedShards.Of(FileWith(shardId: 1, appliedIndex: 5, state: state.ToArray()));

        Assert.Equal(2, Assert.Single(loaded).Revision);
    }

    private static MemberSnapshotFile FileWith(ulong shardId, ulong appliedIndex, byte[] state) =>
        new(new MemberSnapshotHeader(7, 10, [new ShardStateHeader(shardId, appliedIndex, 10, (ulong)state.Length)]), [state]);
}
