namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Fault tests that bound how soon a cluster recovers (writes resuming within a few election timeouts of 500 ms):
/// they run alone, after the tests that run in parallel, so the bound measures the cluster, not the other tests'
/// processes competing for the same cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedFaultCollection
{
    public const string Name = "cluster faults with timing bounds";
}
