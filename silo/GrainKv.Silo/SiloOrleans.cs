using System.Net.Sockets;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Placement;
using GrainKv.Grains.Replication;
using GrainKv.Orleans;
using GrainKv.Orleans.Clustering;
using GrainKv.Orleans.Membership;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace GrainKv.Silo;

/// <summary>
/// The silo's Orleans side: named after its etcd member, reachable at the host of its advertised peer URL on the Orleans
/// ports, and clustered through the PostgreSQL table of --membership-connection, else group 0 of the --initial-cluster
/// members (which is the silo alone for a single node).
/// </summary>
public static class SiloOrleans
{
    public static void Configure(ISiloBuilder silo, SiloOptions options, TimeSpan requestTimeout)
    {
        silo.UseGrainKvCluster(options.InitialClusterToken);
        silo.Configure<global::Orleans.Configuration.SiloOptions>(orleans => orleans.SiloName = options.Name);
        silo.ConfigureEndpoints(options.EffectiveAdvertisePeerUrls[0].Host, options.OrleansSiloPort, options.OrleansGatewayPort, AddressFamily.InterNetwork);
        if (options.MembershipConnection.Length > 0) silo.UsePostgresClustering(options.MembershipConnection);
        else silo.UseGroup0Clustering();
        silo.UseGrainKvFailureDetection();
        silo.Configure<ClusterMembershipOptions>(membership => membership.DefunctSiloExpiration = TimeSpan.FromMilliseconds(options.MembershipDefunctExpirationMs));
        // A replica call that outlives an etcd request is answered as a timeout anyway.
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = requestTimeout);
        silo.AddPinnedToMemberPlacement();
        silo.Services.AddSingleton<IMemberSiloNames, ReplicaSiloNames>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ShardActivator>();
    }
}
