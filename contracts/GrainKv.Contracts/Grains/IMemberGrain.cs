using GrainKv.Runtime;

namespace GrainKv.Grains;

/// <summary>
/// What one member tells the others about itself, keyed by member name and placed on that
/// member's silo: the client URLs `member list` reports (etcd members publish theirs through Raft),
/// and the server its Raft logs are on.
/// </summary>
public interface IMemberGrain : IGrainWithStringKey
{
    /// <summary>The member's advertised client URLs, comma-separated.</summary>
    Task<string> GetClientUrls();

    /// <summary>The identity of the server holding the member's Raft logs; empty if they are in a file of its own.</summary>
    Task<string> GetStorageServer();
}
