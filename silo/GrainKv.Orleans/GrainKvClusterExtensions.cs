using GrainKv.Serialization;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;

namespace GrainKv.Orleans;

/// <summary>What every Orleans process of a GrainKv cluster shares, silo or client: the cluster's names and how its messages cross grain calls.</summary>
public static class GrainKvClusterExtensions
{
    /// <summary>Orleans' service id of every GrainKv cluster.</summary>
    public const string ServiceId = "grainkv";

    /// <param name="clusterName">The silos' --initial-cluster-token: Orleans' cluster id.</param>
    public static ISiloBuilder UseGrainKvCluster(this ISiloBuilder builder, string clusterName)
    {
        builder.Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (clusterName, ServiceId));
        builder.Services.AddSerializer(serializer => serializer.AddProtobufMessages());
        return builder;
    }

    /// <inheritdoc cref="UseGrainKvCluster(ISiloBuilder, string)"/>
    public static IClientBuilder UseGrainKvCluster(this IClientBuilder builder, string clusterName)
    {
        builder.Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (clusterName, ServiceId));
        builder.Services.AddSerializer(serializer => serializer.AddProtobufMessages());
        return builder;
    }
}
