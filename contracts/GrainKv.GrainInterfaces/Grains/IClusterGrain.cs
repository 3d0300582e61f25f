namespace GrainKv.Grains;

/// <summary>What any silo tells of the cluster it belongs to: how a process that is no member (a stand-alone gateway) learns it.</summary>
[Alias("grainkv.Cluster")]
public interface IClusterGrain : IGrainWithIntegerKey
{
    /// <summary>The cluster as its members were bootstrapped, in <c>ClusterBootstrap</c>'s text form.</summary>
    [Alias("GetBootstrap")]
    Task<string> GetBootstrap();

    /// <summary>The cluster's shard map, a serialized <c>ShardMapRecord</c>.</summary>
    [Alias("GetShardMap")]
    Task<byte[]> GetShardMap();

    /// <summary>The first client URL each member has published to group 0, in member order.</summary>
    [Alias("GetClientUrls")]
    Task<string[]> GetClientUrls();
}
