using Google.Protobuf;
using GrainKv.Testing.Raft;

namespace GrainKv.Raft.Tests.Harness;

/// <summary>
/// N nodes joined by an in-memory network under the test's full control: deliver, drop, partition
/// (also one-way), tick, crash and restart from durable state. Everything random comes from the
/// seed. <see cref="ClusterInvariants"/> are checked after every step, so a later fault-injecting
/// simulation can drive the same cluster and get the same checks.
/// </summary>
public sealed class RaftCluster
{
    private readonly ulong _seed;
    private readonly SortedDictionary<ulong, TestNode> _nodes = [];
    private readonly HashSet<(ulong From, ulong To)> _blocked = [];
    private readonly Func<ulong, RaftConfig> _configFor;
    private ulong _restarts;

    private RaftCluster(ulong seed, Func<ulong, RaftConfig> configFor)
    {
        _seed = seed;
        _configFor = configFor;
        Invariants = new ClusterInvariants(seed);
    }

    /// <summary>Messages sent and not yet delivered, in sending order.</summary>
    public List<Message> InFlight { get; } = [];

    public ClusterInvariants Invariants { get; }

    /// <summary>A predicate over messages the network loses (besides partitions).</summary>
    public Func<Message, bool>? DropWhen { get; set; }

    public IEnumerable<TestNode> Nodes => _nodes.Values;

    public TestNode this[ulong id] => _nodes[id];

    /// <summary>Nodes 1..<paramref name="voters"/> as voters, each started with the same configuration.</summary>
    public static RaftCluster Create(ulong seed, int voters, Func<RaftConfig, RaftConfig>? configure = null)
    {
        var ids = Enumerable.Range(1, voters).Select(i => (ulong)i).ToArray();
        var cluster = new RaftCluster(seed, id =>
        {
            var config = new RaftConfig { Id = id, ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 1, InitialVoters = ids };
            return configure is null ? config : configure(config);
        });
        foreach (var id in ids) cluster.Start(id);
        return cluster;
    }

    /// <summary>
    /// Starts a node. A joining one is not a member yet (it is added by a configuration change) and,
    /// like a shell creating a new replica, is told the group's current membership.
    /// </summary>
    public TestNode Start(ulong id, bool joining = false)
    {
        var config = _configFor(id);
        if (joining && Leader?.Node.Status.ConfState is { } current)
            config = config with { InitialVoters = [.. current.Voters], InitialLearners = [.. current.Learners] };
        var node = new TestNode(config, _seed * 1_000_003 + id + _restarts * 7919);
        _nodes[id] = node;
        return node;
    }

    /// <summary>Crash: everything not in storage is lost, including messages addressed to it.</summary>
    public void Restart(ulong id)
    {
        var old = _nodes[id];
        _restarts++;
        _nodes[id] = new TestNode(old.Config, _seed * 1_000_003 + id + _restarts * 7919, old.Storage);
        InFlight.RemoveAll(m => m.To == id);
    }

    public void Isolate(ulong id)
    {
        foreach (var other in _nodes.Keys.Where(o => o != id))
        {
            _blocked.Add((id, other));
            _blocked.Add((other, id));
        }
    }

    public void BlockOneWay(ulong from, ulong to) => _blocked.Add((from, to));

    public void Heal() => _blocked.Clear();

    public TestNode? Leader => LeaderOfHighestTerm();

    public void TickAll(int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var node in _nodes.Values) node.Node.Tick();
            Stabilize();
        }
    }

    public void Tick(ulong id)
    {
        _nodes[id].Node.Tick();
        Stabilize();
    }

    /// <summary>Handles ready batches and delivers messages until nothing moves.</summary>
    public void Stabilize(int maxRounds = 10_000)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            var moved = HandleAllReady();
            if (InFlight.Count > 0)
            {
                var batch = InFlight.ToList();
                InFlight.Clear();
                foreach (var message in batch) Deliver(message);
                moved = true;
            }
            if (!moved) return;
        }
        Assert.Fail($"seed={_seed}: the cluster did not quiesce within {maxRounds} rounds");
    }

    /// <summary>Handles every node's pending ready batch; true if any node had one.</summary>
    public bool HandleAllReady()
    {
        var any = false;
        foreach (var node in _nodes.Values)
        {
            while (node.HandleReady() is { } sent)
            {
                any = true;
                InFlight.AddRange(sent);
                Invariants.Check(_nodes.Values);
            }
        }
        return any;
    }

    /// <summary>Delivers one message, unless the network loses it.</summary>
    public void Deliver(Message message)
    {
        if (_blocked.Contains((message.From, message.To)) || DropWhen?.Invoke(message) == true) return;
        if (!_nodes.TryGetValue(message.To, out var target)) return;
        Assert.Null(target.Node.Step(message.Clone()));
        Invariants.Check(_nodes.Values);
    }

    /// <summary>Elects <paramref name="id"/> by letting it campaign, and waits for its first entry to commit.</summary>
    public TestNode Elect(ulong id)
    {
        _nodes[id].Node.Campaign();
        Stabilize();
        Assert.Equal(RaftRole.Leader, _nodes[id].Node.Role);
        return _nodes[id];
    }

    public RaftError? Propose(ulong id, string command)
    {
        var error = _nodes[id].Node.Propose(ByteString.CopyFromUtf8(command));
        Stabilize();
        return error;
    }

    private TestNode? LeaderOfHighestTerm() =>
        _nodes.Values.Where(n => n.Node.Role == RaftRole.Leader).OrderByDescending(n => n.Node.Term).FirstOrDefault();
}
