namespace GrainKv.Grains.Corruption;

/// <summary>Why a peer's HashKV was not compared with the leader's; a skipped peer is never alarmed.</summary>
public enum PeerHashSkip
{
    /// <summary>Its silo did not answer in time (dead, partitioned, or its replica failed).</summary>
    NoAnswer,

    /// <summary>It has not applied the leader's revision yet: a slow peer, compared next time.</summary>
    FutureRevision,

    /// <summary>It compacted past the leader's revision: the leader is behind.</summary>
    Compacted,

    /// <summary>Its compact revision is not the leader's, so the two hashes cover different histories.</summary>
    CompactRevisionDiffers,
}
