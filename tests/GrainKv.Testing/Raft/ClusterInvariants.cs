using GrainKv.Raft;

namespace GrainKv.Testing.Raft;

/// <summary>
/// Raft's safety properties (paper figure 3), checked over the whole cluster after every step:
/// election safety, log matching, leader completeness and state-machine safety. Failures start
/// with the seed so a run can be replayed.
/// </summary>
public sealed class ClusterInvariants(ulong seed)
{
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];

    /// <summary>Every entry any node has applied, by index: all nodes must apply exactly these.</summary>
    private readonly SortedDictionary<ulong, Entry> _applied = [];

    /// <summary>
    /// For each applied index, the highest leader term seen when it was first applied: it was
    /// committed in that term or earlier, so every leader of a later term must hold it.
    /// </summary>
    private readonly Dictionary<ulong, ulong> _committedByTerm = [];

    /// <summary>Per replica, the node instance last checked and the highest applied index compared so far.</summary>
    private readonly Dictionary<ulong, (RaftNode Node, ulong Index)> _appliedChecked = [];

    /// <summary>
    /// Leaders already found complete. Entries first applied after a leader of term T is seen are
    /// recorded with a term of at least T, so one check per leader and term covers all that concern it.
    /// </summary>
    private readonly HashSet<(RaftNode Node, ulong Term)> _completeLeaders = [];

    /// <summary>Per replica, what its stored log looked like at the last log-matching check.</summary>
    private readonly Dictionary<ulong, (IReadOnlyList<Entry> Log, int Count, ulong LastIndex, ulong LastTerm)> _storedLogShapes = [];

    private ulong _highestLeaderTerm;

    public void Check(IEnumerable<IRaftReplicaView> replicas)
    {
        var all = replicas.ToList();
        foreach (var replica in all)
        {
            CheckOneLeaderPerTerm(replica);
            CheckAppliedSequence(replica);
        }
        CheckLogMatching(all);
        CheckLeaderCompleteness(all);
    }

    private void CheckOneLeaderPerTerm(IRaftReplicaView replica)
    {
        if (replica.Node.Role != RaftRole.Leader) return;
        if (_leaderOfTerm.TryGetValue(replica.Node.Term, out var leader))
            Ensure(leader == replica.Id, $"term {replica.Node.Term} has two leaders, {leader} and {replica.Id}");
        else
        {
            _leaderOfTerm[replica.Node.Term] = replica.Id;
            _highestLeaderTerm = Math.Max(_highestLeaderTerm, replica.Node.Term);
        }
    }

    /// <summary>Compares only entries applied since the last check: a restarted node starts over.</summary>
    private void CheckAppliedSequence(IRaftReplicaView replica)
    {
        var checkedThrough = _appliedChecked.TryGetValue(replica.Id, out var last) && ReferenceEquals(last.Node, replica.Node) ? last.Index : 0;
        var applied = replica.Applied;
        var first = applied.Count;
        while (first > 0 && applied[first - 1].Index > checkedThrough) first--;
        for (var i = first; i < applied.Count; i++)
        {
            var entry = applied[i];
            if (_applied.TryGetValue(entry.Index, out var known))
            {
                Ensure(known.Equals(entry), $"node {replica.Id} applied {Describe(entry)} where another node applied {Describe(known)}");
            }
            else
            {
                _applied[entry.Index] = entry;
                _committedByTerm[entry.Index] = _highestLeaderTerm;
            }
        }
        _appliedChecked[replica.Id] = (replica.Node, applied.Count == 0 ? checkedThrough : Math.Max(checkedThrough, applied[^1].Index));
    }

    /// <summary>Two stored logs with an entry of the same index and term are identical up to it.</summary>
    private void CheckLogMatching(List<IRaftReplicaView> replicas)
    {
        if (!StoredLogsChanged(replicas)) return;
        for (var a = 0; a < replicas.Count; a++)
        {
            for (var b = a + 1; b < replicas.Count; b++)
            {
                var other = replicas[b].StoredEntries.ToDictionary(e => e.Index);
                var matched = false;
                foreach (var entry in replicas[a].StoredEntries.Reverse())
                {
                    if (!other.TryGetValue(entry.Index, out var theirs)) continue;
                    if (matched || theirs.Term == entry.Term)
                    {
                        matched = true;
                        Ensure(theirs.Equals(entry),
                            $"nodes {replicas[a].Id} and {replicas[b].Id} differ at {entry.Index} below a matching entry: {Describe(entry)} vs {Describe(theirs)}");
                    }
                }
            }
        }
    }

    /// <summary>A leader's log holds every entry committed in an earlier term (paper 5.4.1).</summary>
    private void CheckLeaderCompleteness(List<IRaftReplicaView> replicas)
    {
        foreach (var leader in replicas.Where(n => n.Node.Role == RaftRole.Leader))
        {
            if (!_completeLeaders.Add((leader.Node, leader.Node.Term))) continue;
            foreach (var (index, entry) in _applied)
            {
                if (_committedByTerm[index] >= leader.Node.Term) continue;
                Ensure(index <= leader.Node.Status.LastIndex, $"leader {leader.Id} at term {leader.Node.Term} lacks committed entry {Describe(entry)}");
                // Compacted entries are covered by the leader's snapshot, which holds only committed ones.
                if (TryTermAt(leader.Node, index) is { } term)
                    Ensure(term == entry.Term, $"leader {leader.Id} has term {term} at committed index {index}, expected {entry.Term}");
            }
        }
    }

    private bool StoredLogsChanged(List<IRaftReplicaView> replicas)
    {
        var changed = false;
        foreach (var replica in replicas)
        {
            var log = replica.StoredEntries;
            var shape = (log, log.Count, log.Count == 0 ? 0 : log[^1].Index, log.Count == 0 ? 0 : log[^1].Term);
            if (_storedLogShapes.TryGetValue(replica.Id, out var last) && ReferenceEquals(last.Log, log) && last == shape) continue;
            _storedLogShapes[replica.Id] = shape;
            changed = true;
        }
        return changed;
    }

    private void Ensure(bool holds, string violation)
    {
        if (!holds) throw new InvariantViolationException($"seed={seed}: {violation}");
    }

    private static ulong? TryTermAt(RaftNode node, ulong index)
    {
        try
        {
            return node.TermAt(index);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string Describe(Entry e) => $"[{e.Index}@{e.Term} {e.Type} {e.Data.Length}B]";
}
