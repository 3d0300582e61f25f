using GrainKv.Shard;

namespace GrainKv.Grains.Group0;

/// <summary>Group 0 refused a request of GrainKv's own (no leader, a timeout, ...): the caller tries again later.</summary>
public sealed class Group0Exception(ShardError error) : Exception($"Group 0 refused the request: {error}.")
{
    public ShardError Error { get; } = error;
}
