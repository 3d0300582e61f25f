namespace GrainKv.Raft.Tests.Harness;

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

    public IReadOnlyDictionary<ulong, Entry> AppliedEverywhere => _applied;

    public void Check(IEnumerable<TestNode> nodes)
    {
        var all = nodes.ToList();
        foreach (var node in all)
        {
            CheckOneLeaderPerTerm(node);
            CheckAppliedSequence(node);
        }
        CheckLogMatching(all);
        CheckLeaderCompleteness(all);
    }

    private void CheckOneLeaderPerTerm(TestNode node)
    {
        if (node.Node.Role != RaftRole.Leader) return;
        if (_leaderOfTerm.TryGetValue(node.Node.Term, out var leader))
            Assert.True(leader == node.Id, $"seed={seed}: term {node.Node.Term} has two leaders, {leader} and {node.Id}");
        else _leaderOfTerm[node.Node.Term] = node.Id;
    }

    private void CheckAppliedSequence(TestNode node)
    {
        foreach (var entry in node.Applied)
        {
            if (_applied.TryGetValue(entry.Index, out var known))
            {
                Assert.True(known.Equals(entry),
                    $"seed={seed}: node {node.Id} applied {Describe(entry)} where another node applied {Describe(known)}");
            }
            else
            {
                _applied[entry.Index] = entry;
                _committedByTerm[entry.Index] = _leaderOfTerm.Count == 0 ? 0 : _leaderOfTerm.Keys.Max();
            }
        }
    }

    /// <summary>Two stored logs with an entry of the same index and term are identical up to it.</summary>
    private void CheckLogMatching(List<TestNode> nodes)
    {
        for (var a = 0; a < nodes.Count; a++)
        {
            for (var b = a + 1; b < nodes.Count; b++)
            {
                var other = nodes[b].Storage.Entries.ToDictionary(e => e.Index);
                var matched = false;
                foreach (var entry in nodes[a].Storage.Entries.Reverse())
                {
                    if (!other.TryGetValue(entry.Index, out var theirs)) continue;
                    if (matched || theirs.Term == entry.Term)
                    {
                        matched = true;
                        Assert.True(theirs.Equals(entry),
                            $"seed={seed}: nodes {nodes[a].Id} and {nodes[b].Id} differ at {entry.Index} below a matching entry: {Describe(entry)} vs {Describe(theirs)}");
                    }
                }
            }
        }
    }

    /// <summary>A leader's log holds every entry committed in an earlier term (paper 5.4.1).</summary>
    private void CheckLeaderCompleteness(List<TestNode> nodes)
    {
        foreach (var leader in nodes.Where(n => n.Node.Role == RaftRole.Leader))
        {
            foreach (var (index, entry) in _applied)
            {
                if (_committedByTerm[index] >= leader.Node.Term) continue;
                Assert.True(index <= leader.Node.Status.LastIndex,
                    $"seed={seed}: leader {leader.Id} at term {leader.Node.Term} lacks committed entry {Describe(entry)}");
                // Compacted entries are covered by the leader's snapshot, which holds only committed ones.
                if (TryTermAt(leader.Node, index) is { } term)
                    Assert.True(term == entry.Term, $"seed={seed}: leader {leader.Id} has term {term} at committed index {index}, expected {entry.Term}");
            }
        }
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

    private static string Describe(Entry e) => $"[{e.Index}@{e.Term} {e.Type} '{e.Data.ToStringUtf8()}']";
}
