using GrainKv.Grains.Cluster;

namespace GrainKv.Snapshot;

/// <summary>
/// The member a restore creates, in the new cluster that --initial-cluster and --initial-cluster-token describe: the
/// same cluster id and member ids a silo started with those flags computes for a fresh data dir, as etcd's restore
/// derives them from its flags rather than keeping the snapshot's.
/// </summary>
public sealed record RestoredMember(ulong ClusterId, EtcdMember Self, IReadOnlyList<EtcdMember> Members)
{
    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="FormatException"/> for --initial-cluster) on flags that do not describe this member.</summary>
    public static RestoredMember Of(string name, string initialCluster, string token, IReadOnlyList<string> advertisePeerUrls)
    {
        var members = InitialCluster.Parse(initialCluster);
        var self = members.FirstOrDefault(member => member.Name == name)
            ?? throw new ArgumentException($"--initial-cluster does not name this member ('{name}')");
        var advertised = advertisePeerUrls.Select(url => url.TrimEnd('/')).Order(StringComparer.Ordinal);
        if (!advertised.SequenceEqual(self.PeerUrls.Order(StringComparer.Ordinal)))
        {
            throw new ArgumentException(
                $"--initial-cluster has {name}={string.Join(',', self.PeerUrls)} but --initial-advertise-peer-urls is {string.Join(',', advertisePeerUrls)}");
        }
        return new RestoredMember(ClusterIdentity.ClusterIdOf(token, members), self, members);
    }

    public IReadOnlyList<ulong> MemberIds => Members.Select(member => member.Id).ToArray();
}
