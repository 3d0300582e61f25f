using GrainKv.Grains.Group0;
using GrainKv.Grains.Placement;
using Orleans.Concurrency;
using Orleans.GrainDirectory;

namespace GrainKv.Grains.Cluster;

/// <summary>Answers from this silo's identity and its view of group 0; every silo answers alike, so each serves its own callers.</summary>
[StatelessWorker]
[GrainDirectory(ComputedGrainDirectory.Name)]
[GrainType("grainkv.cluster")]
public sealed class ClusterGrain(ClusterIdentity identity, MemberDirectory members) : Grain, IClusterGrain
{
    public Task<string> GetBootstrap() => Task.FromResult(ClusterBootstrap.Of(identity).ToText());

    public async Task<string[]> GetClientUrls()
    {
        var published = await members.ReadAsync();
        return identity.Members
            .Select(member => published.TryGetValue(member.Id, out var attributes) ? attributes.ClientUrls.FirstOrDefault() : null)
            .OfType<string>()
            .ToArray();
    }
}
