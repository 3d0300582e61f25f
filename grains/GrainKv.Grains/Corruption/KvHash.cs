using Etcdserverpb;

namespace GrainKv.Grains.Corruption;

/// <summary>
/// One replica's HashKV answer: the hash of its key history, its current revision (the header's, as etcd's peers
/// report it, not the revision hashed at) and its compact revision.
/// </summary>
public readonly record struct KvHash(uint Hash, long Revision, long CompactRevision)
{
    public static KvHash Of(HashKVResponse response) => new(response.Hash, response.Header.Revision, response.CompactRevision);
}
