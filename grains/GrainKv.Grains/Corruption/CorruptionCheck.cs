namespace GrainKv.Grains.Corruption;

/// <summary>
/// etcd 3.4's periodic corruption check (--experimental-corrupt-check-time), as its leader judges it. The leader
/// hashes its history (<c>before</c>), asks every peer for its HashKV at <c>before</c>'s revision, confirms its
/// leadership with a linearizable read and hashes again (<c>after</c>). Only answers that can be compared are:
/// a peer that did not answer, or whose compact revision is not the leader's, is skipped and never alarmed.
/// </summary>
public static class CorruptionCheck
{
    public static CorruptionVerdict Judge(ulong leaderId, KvHash before, KvHash after, IEnumerable<PeerHashKv> peers)
    {
        var findings = new List<CorruptionFinding>();
        var skipped = new List<(ulong, PeerHashSkip)>();
        var peersChecked = 0;
        if (after.Hash != before.Hash && after.Revision == before.Revision && after.CompactRevision == before.CompactRevision)
        {
            findings.Add(new CorruptionFinding(leaderId, CorruptionRule.LeaderHashChanged, before.Hash, after.Hash));
        }
        foreach (var peer in peers)
        {
            if (peer.Hash is not { } hash)
            {
                skipped.Add((peer.MemberId, peer.Unanswered));
                continue;
            }
            peersChecked++;
            var found = findings.Count;
            // Everything a peer applied was committed, and the leader's linearizable read waited for all of that.
            if (hash.Revision > after.Revision)
            {
                findings.Add(new CorruptionFinding(peer.MemberId, CorruptionRule.RevisionAhead, after.Revision, hash.Revision));
            }
            if (hash.CompactRevision > after.CompactRevision)
            {
                findings.Add(new CorruptionFinding(peer.MemberId, CorruptionRule.CompactRevisionAhead, after.CompactRevision, hash.CompactRevision));
            }
            if (hash.CompactRevision == before.CompactRevision)
            {
                if (hash.Hash != before.Hash) findings.Add(new CorruptionFinding(peer.MemberId, CorruptionRule.HashMismatch, before.Hash, hash.Hash));
            }
            else if (findings.Count == found)
            {
                skipped.Add((peer.MemberId, PeerHashSkip.CompactRevisionDiffers));
            }
        }
        return new CorruptionVerdict(findings, skipped, peersChecked);
    }
}
