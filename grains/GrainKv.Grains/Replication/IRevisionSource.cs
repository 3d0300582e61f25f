using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Where a shard's leader gets the revisions it stamps its writes with when the cluster has several shards: the
/// revision oracle in group 0. Each request is answered once, by <c>granted</c> with a revision allocated after the
/// request was made, or by <c>failed</c>; answers come in the order asked, off the caller's thread, with revisions
/// increasing in that order.
/// </summary>
public interface IRevisionSource
{
    void Request(Action<long> granted, Action<ShardError> failed);
}
