using GrainKv.Runtime;

namespace GrainKv.Grains;

/// <summary>
/// What one member tells the others about itself, keyed by member name and placed on that
/// member's silo: the client URLs `member list` reports (etcd members publish theirs through Raft).
/// </summary>
public interface IMemberGrain : IGrainWithStringKey
{
    /// <summary>The member's advertised client URLs, comma-separated.</summary>
    Task<string> GetClientUrls();
}
