using System.Net;
using GrainKv.Grains.Cluster;
using GrainKv.Membership;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Silo;

/// <summary>
/// The silo's part in the PostgreSQL membership table when --membership-connection names one; without it the
/// --initial-cluster list is the whole membership. Rows are keyed by --initial-cluster-token, the cluster's name, and
/// each carries the cluster as this silo was bootstrapped into it, which a gateway given no --initial-cluster reads.
/// </summary>
public static class SiloMembership
{
    /// <param name="self">This silo as --initial-cluster names it: its host there stands in for a wildcard advertised host.</param>
    public static void Add(IServiceCollection services, SiloOptions options, ClusterIdentity identity, SiloMember self, string? storageIdentity)
    {
        if (options.MembershipConnection.Length == 0) return;
        var reachableHost = SiloRegistration.IsWildcard(self.Address.Host) ? Dns.GetHostName() : self.Address.Host;
        var registration = SiloRegistration.Create(options.Name, options.EffectiveAdvertisePeerUrls[0],
            options.EffectiveAdvertiseClientUrls.FirstOrDefault(), reachableHost, storageIdentity, ClusterBootstrap.Of(identity).ToText());
        services.AddPostgresMembership(options.MembershipConnection, options.InitialClusterToken, registration, new MembershipOptions
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(options.MembershipHeartbeatIntervalMs),
            DeathTimeout = TimeSpan.FromMilliseconds(options.MembershipDeathTimeoutMs),
            DefunctExpiration = TimeSpan.FromMilliseconds(options.MembershipDefunctExpirationMs),
        });
    }

    /// <summary>The silo's membership agent, if it has one; ask it before the host is disposed.</summary>
    public static MembershipAgent? AgentOf(IServiceProvider services) => services.GetService<MembershipAgent>();

    /// <summary>The exit code of a silo that has stopped: <see cref="MembershipAgent.DeclaredDeadExitCode"/> if the table declared it dead.</summary>
    public static int ExitCode(MembershipAgent? agent) => agent is { DeclaredDead: true } ? MembershipAgent.DeclaredDeadExitCode : 0;
}
