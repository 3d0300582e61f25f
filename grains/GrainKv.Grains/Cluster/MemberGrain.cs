using GrainKv.Runtime;

namespace GrainKv.Grains.Cluster;

/// <inheritdoc cref="IMemberGrain"/>
public sealed class MemberGrain(ClusterIdentity identity, StorageServer storage) : Grain, IMemberGrain
{
    public Task<string> GetClientUrls() => Task.FromResult(string.Join(',', identity.ClientUrls));

    public Task<string> GetStorageServer() => Task.FromResult(storage.Identity ?? "");
}
