using GrainKv.MemberData;

namespace GrainKv.Snapshot;

/// <summary>The flags of <c>restore</c>: etcdctl 3.4's snapshot restore flags, plus the silo's storage flags.</summary>
public sealed record RestoreOptions(
    string SnapshotPath,
    string Name,
    string InitialCluster,
    string InitialClusterToken,
    IReadOnlyList<string> InitialAdvertisePeerUrls,
    StorageOptions Storage,
    bool SkipHashCheck);
