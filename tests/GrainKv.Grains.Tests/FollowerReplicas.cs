using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A follower's <see cref="ReplicaCore"/> of shard 1 (voters 1, 2 and 3) with nothing stored, and what its leader,
/// replica 1 in term 1, sends it, for tests that drive a core by hand as ReplicaDriver does.
/// </summary>
internal static class FollowerReplicas
{
    public const ulong Leader = 1;
    public const ulong Term = 1;

    public static ReplicaCore Follower(ulong replicaId = 2, long snapshotCount = 1000) => Replica(replicaId, [1, 2, 3], snapshotCount);

    /// <summary>Replica <paramref name="replicaId"/> of shard 1 with nothing stored, its group made of <paramref name="voters"/>.</summary>
    public static ReplicaCore Replica(ulong replicaId, ulong[] voters, long snapshotCount = 1000, IRevisionSource? revisions = null)
    {
        var config = new RaftConfig { Id = replicaId, InitialVoters = voters };
        return RecoveredReplica.From(new ReplicaKey(1, replicaId), 1, StoredGroupState.Empty, config, new SeededRandomSource(replicaId), NullLogger.Instance,
            new ClusterIdentity(1, replicaId, "replica", [], [], []), new ReplicaTiming(() => 0, 1000, snapshotCount), revisions).Core;
    }

    /// <summary>Replica 1 of shard 1, a group of itself alone, elected.</summary>
    public static ReplicaCore SoleLeader(IRevisionSource? revisions = null)
    {
        var core = Replica(1, [1], revisions: revisions);
        core.Campaign();
        Drive(core);
        return core;
    }

    /// <summary>What ReplicaDriver does: hands out, applies and advances every ready until there is none.</summary>
    public static void Drive(ReplicaCore core)
    {
        while (core.TakeReady() is { } ready)
        {
            core.Apply(ready);
            core.Advance(ready);
        }
    }

    /// <summary>Entries <paramref name="from"/> on to <paramref name="to"/>, each <paramref name="command"/> of its index (a put of "k{index}" if not given), all committed.</summary>
    public static Message Append(ulong to, int from, int count, Func<int, ShardCommand>? command = null)
    {
        command ??= index => Put($"k{index}");
        var last = from + count - 1;
        var append = new Message
        {
            Type = MessageType.Append, From = Leader, To = to, Term = Term, Index = (ulong)(from - 1), LogTerm = from == 1 ? 0 : Term, Commit = (ulong)last,
        };
        for (var index = from; index <= last; index++)
        {
            append.Entries.Add(new Entry { Index = (ulong)index, Term = Term, Type = EntryType.EntryNormal, Data = command(index).ToByteString() });
        }
        return append;
    }

    /// <summary>Entries <paramref name="from"/> on, as <see cref="Append"/> makes them, stepped, written and applied.</summary>
    public static void Receive(ReplicaCore core, int from, int count, Func<int, ShardCommand>? command = null)
    {
        var append = Append(core.Key.ReplicaId, from, count, command);
        core.Step(append);
        var ready = core.TakeReady()!;
        core.Apply(ready);
        core.Advance(ready);
    }

    public static ShardCommand Put(string key) => new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") } };
}
