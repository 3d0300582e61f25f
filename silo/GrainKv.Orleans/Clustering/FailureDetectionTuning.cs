using Orleans.Configuration;
using Orleans.Hosting;

namespace GrainKv.Orleans.Clustering;

/// <summary>
/// How fast a silo's death is declared. Measured on our machines (docs/orleans-notes.md, "Membership"): with these
/// values a killed silo is declared Dead in ~1 s instead of ~16 s, a hung one in ~9 s instead of 60 s; Raft groups
/// wait on that before they move a replica.
/// </summary>
public static class FailureDetectionTuning
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    public const int NumMissedProbesLimit = 2;
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sets GrainKv's failure detection on the silo's <see cref="ClusterMembershipOptions"/>.</summary>
    public static ISiloBuilder UseGrainKvFailureDetection(this ISiloBuilder builder) =>
        builder.Configure<ClusterMembershipOptions>(Apply);

    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;
        options.TableRefreshTimeout = TableRefreshTimeout;
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
    }
}
