using Orleans.Messaging;

namespace GrainKv.Orleans.Clustering;

/// <summary>
/// A client's gateway list, from <paramref name="gateways"/> once the clustering schema is there. A client has no
/// lifecycle stage before its gateway list is first read (<c>ClusterClient.StartAsync</c> starts the runtime client,
/// whose <c>GatewayManager</c> initializes the provider, and only then runs the client lifecycle), so the schema comes
/// first here instead.
/// </summary>
internal sealed class SchemaFirstGatewayListProvider(ClusteringSchemaMigrator migrator, IGatewayListProvider gateways)
    : IGatewayListProvider
{
    public TimeSpan MaxStaleness => gateways.MaxStaleness;

    /// <summary>Obsolete in Orleans 10, which treats every provider as updatable; still part of the interface.</summary>
    public bool IsUpdatable => true;

    public async Task InitializeGatewayListProvider()
    {
        await migrator.EnsureAsync(CancellationToken.None);
        await gateways.InitializeGatewayListProvider();
    }

    public Task<IList<Uri>> GetGateways() => gateways.GetGateways();
}
