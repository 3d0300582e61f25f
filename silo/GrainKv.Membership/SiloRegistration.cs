using System.Net;

namespace GrainKv.Membership;

/// <summary>What a silo writes into its membership row when it joins: where others reach it.</summary>
/// <param name="Name">Its name, as in --initial-cluster and the shard map.</param>
/// <param name="PeerHost">Where it serves silo-to-silo gRPC (its advertised peer URL).</param>
/// <param name="ClientUrl">Its advertised etcd client URL.</param>
/// <param name="StorageIdentity">The identity of the server holding its Raft logs, when that is a shared server (PostgreSQL).</param>
/// <param name="Bootstrap">
/// The cluster it was bootstrapped into (its id and members), in the silo's own text form: the table stores it for
/// gateways and clients without reading it, and tells reports apart by their text (<see cref="MembershipRules.Bootstraps"/>).
/// </param>
public sealed record SiloRegistration(string Name, string PeerHost, int PeerPort, Uri? ClientUrl, string? StorageIdentity, string? Bootstrap = null)
{
    /// <summary>
    /// The registration of a silo advertising <paramref name="peerUrl"/> and <paramref name="clientUrl"/>. A wildcard
    /// host (0.0.0.0, [::]) is where a server listens, not where anyone can reach it (a container listening on
    /// 0.0.0.0 is told apart by its name), so it is replaced by <paramref name="reachableHost"/>.
    /// </summary>
    public static SiloRegistration Create(string name, Uri peerUrl, Uri? clientUrl, string reachableHost, string? storageIdentity, string? bootstrap)
    {
        var peer = Reachable(peerUrl, reachableHost);
        return new SiloRegistration(name, peer.Host, peer.Port, clientUrl is null ? null : Reachable(clientUrl, reachableHost), storageIdentity, bootstrap);
    }

    /// <summary>Whether <paramref name="host"/> (as <see cref="Uri.Host"/> gives it) means "every interface".</summary>
    public static bool IsWildcard(string host) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    private static Uri Reachable(Uri url, string reachableHost) =>
        IsWildcard(url.Host) ? new UriBuilder(url) { Host = reachableHost }.Uri : url;
}
