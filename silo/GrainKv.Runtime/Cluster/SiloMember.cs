namespace GrainKv.Runtime.Cluster;

/// <summary>One silo of the cluster: its name (as in the shard map) and its address.</summary>
public sealed record SiloMember(string Name, PeerAddress Address)
{
    /// <summary>Where the silo serves silo-to-silo gRPC (h2c).</summary>
    public Uri Url => new($"http://{Address.Host}:{Address.Port}/");
}
