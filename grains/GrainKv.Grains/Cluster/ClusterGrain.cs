using GrainKv.Grains.Group0;
using GrainKv.Grains.Placement;
using GrainKv.Grains.Sharding;
using Google.Protobuf;
using Orleans.Concurrency;
using Orleans.GrainDirectory;

namespace GrainKv.Grains.Cluster;

/// <summary>Answers from this silo's identity and its view of group 0; every silo answers alike, so each serves its own callers.</summary>
[StatelessWorker]
[GrainDirectory(ComputedGrainDirectory.Name)]
[GrainType("grainkv.cluster")]
public sealed class ClusterGrain(ClusterIdentity identity, MemberDirectory members, ShardMap shards) : Grain, IClusterGrain
{
    public Task<string> GetBootstrap() => Task.FromResult(ClusterBootstrap.Of(identity).ToText());

    /// <summary>This silo's map, which is group 0's (a silo whose flags describe another stops).</summary>
    public Task<byte[]> GetShardMap() => Task.FromResult(shards.ToRecord().ToByteArray());

    public async Task<string[]> GetClientUrls()
    {
        var published = await members.ReadAsync();
        return identity.Members
            .Select(member => published.TryGetValue(member.Id, out var attributes) ? attributes.ClientUrls.FirstOrDefault() : null)
            .OfType<string>()
            .ToArray();
    }
}
