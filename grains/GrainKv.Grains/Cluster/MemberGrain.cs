using GrainKv.Runtime;

namespace GrainKv.Grains.Cluster;

/// <inheritdoc cref="IMemberGrain"/>
public sealed class MemberGrain(ClusterIdentity identity) : Grain, IMemberGrain
{
    public Task<string> GetClientUrls() => Task.FromResult(string.Join(',', identity.ClientUrls));
}
