using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;

namespace GrainKv.Orleans.Clustering;

/// <summary>
/// Orleans' ADO.NET clustering on PostgreSQL, with GrainKv's schema (<see cref="ClusteringSchema"/>) created or
/// upgraded before the provider first reads it.
/// </summary>
public static class PostgresClusteringExtensions
{
    /// <summary>The ADO.NET invariant name under which Orleans loads Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        return builder.ConfigureServices(services =>
        {
            services.AddSingleton(provider => Migrator(provider, connectionString));
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ClusteringSchemaLifecycle>();
        });
    }

    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        return builder.ConfigureServices(services =>
        {
            // Registered after UseAdoNetClustering's, so this is the IGatewayListProvider the client resolves.
            services.AddSingleton<IGatewayListProvider>(provider => new SchemaFirstGatewayListProvider(
                Migrator(provider, connectionString),
                ActivatorUtilities.CreateInstance<AdoNetGatewayListProvider>(provider)));
        });
    }

    private static ClusteringSchemaMigrator Migrator(IServiceProvider provider, string connectionString) =>
        new(connectionString, provider.GetRequiredService<ILogger<ClusteringSchemaMigrator>>());
}
