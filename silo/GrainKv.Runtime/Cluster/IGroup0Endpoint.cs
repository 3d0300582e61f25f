using GrainKv.Shard;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>This silo's replica of group 0 as peers reach it (<c>SiloPeer.Group0</c>).</summary>
public interface IGroup0Endpoint
{
    Task<ShardReply> HandleAsync(Group0Request request, CancellationToken ct);
}
