using Orleans;
using Orleans.Runtime;

namespace GrainKv.Orleans.Clustering;

/// <summary>
/// Migrates the clustering schema while a silo starts, before its membership table is first used. Orleans 10.4's
/// <c>MembershipTableManager</c> initializes the table (which reads <c>orleansquery</c>) at
/// <see cref="ServiceLifecycleStage.RuntimeGrainServices"/>; stages run in order, each after the previous one
/// completed, so <see cref="ServiceLifecycleStage.RuntimeInitialize"/> comes first.
/// </summary>
internal sealed class ClusteringSchemaLifecycle(ClusteringSchemaMigrator migrator) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusteringSchemaLifecycle), ServiceLifecycleStage.RuntimeInitialize, migrator.EnsureAsync);
}
