using Orleans.Runtime;

namespace GrainKv.Orleans.Tests.Clustering;

/// <summary>A grain that says which silo it runs on.</summary>
[Alias("grainkv.tests.IClusterProbeGrain")]
public interface IClusterProbeGrain : IGrainWithStringKey
{
    [Alias("Silo")] Task<string> Silo();
}

internal sealed class ClusterProbeGrain(ILocalSiloDetails silo) : Grain, IClusterProbeGrain
{
    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToString());
}
