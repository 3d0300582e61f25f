using GrainKv.Gateway.Snapshots;
using GrainKv.Grains.Sharding;
using GrainKv.Raft;
using GrainKv.Storage;
using Google.Protobuf;
using RaftSnapshot = GrainKv.Raft.Snapshot;

namespace GrainKv.Snapshot;

/// <summary>
/// What a member of the restored cluster stores for each shard of a <see cref="MemberSnapshotFile"/>: a Raft snapshot
/// holding the shard's state at the index it was taken at, whose configuration makes every member of the new cluster
/// a voter, and the hard state of a fresh term that has committed it. Every member restored from the same file stores
/// the same snapshot, so their logs agree from the start and any of them can be elected.
/// </summary>
public sealed class MemberRestore
{
    /// <summary>The term the restored groups start in, as etcd's restore starts its new cluster's log at term 1.</summary>
    public const ulong Term = 1;

    private readonly MemberSnapshotFile _file;
    private readonly ConfState _confState;

    /// <summary>Throws <see cref="InvalidDataException"/> when the file's shards are not those a silo of the new cluster hosts.</summary>
    public MemberRestore(MemberSnapshotFile file, IReadOnlyList<ulong> memberIds)
    {
        // The shard map a silo builds for its cluster; a state for a shard it does not host would never be read.
        var hosted = ShardMap.OneShard(memberIds).Ranges.Select(range => range.ShardId).Order().ToArray();
        var inFile = file.Header.Shards.Select(shard => shard.ShardId).Order().ToArray();
        if (!hosted.SequenceEqual(inFile))
        {
            throw new InvalidDataException(
                $"The snapshot holds shards {string.Join(',', inFile)}, but a GrainKv silo hosts shards {string.Join(',', hosted)}.");
        }
        _file = file;
        _confState = new ConfState();
        _confState.Voters.AddRange(memberIds);
    }

    public IEnumerable<ulong> ShardIds => _file.Header.Shards.Select(shard => shard.ShardId);

    /// <summary>The write that restores <paramref name="shardId"/>, under the generation the restore claimed for it.</summary>
    public GroupWrite WriteFor(ulong shardId, ulong generation)
    {
        var position = _file.Header.Shards.Select((shard, i) => (shard, i)).Single(entry => entry.shard.ShardId == shardId);
        var snapshot = new RaftSnapshot
        {
            Metadata = new SnapshotMetadata { Index = position.shard.AppliedIndex, Term = Term, ConfState = _confState.Clone() },
            Data = ByteString.CopyFrom(_file.States[position.i].Span),
        };
        return new GroupWrite(shardId, generation)
        {
            Snapshot = snapshot,
            HardState = new HardState { Term = Term, Commit = position.shard.AppliedIndex },
            ConfState = _confState.Clone(),
        };
    }
}
