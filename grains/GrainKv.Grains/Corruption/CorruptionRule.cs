namespace GrainKv.Grains.Corruption;

/// <summary>The rules etcd 3.4's leader checks in each corruption check pass (etcdserver/corrupt.go, checkHashKV).</summary>
public enum CorruptionRule
{
    /// <summary>The leader hashed its own history twice at one revision and compact revision and got two hashes.</summary>
    LeaderHashChanged,

    /// <summary>A peer reports a later revision than the leader has after a linearizable read: it applied what was never committed.</summary>
    RevisionAhead,

    /// <summary>A peer reports a later compact revision than the leader has after a linearizable read.</summary>
    CompactRevisionAhead,

    /// <summary>A peer with the leader's compact revision hashes the history up to the leader's revision differently.</summary>
    HashMismatch,
}
