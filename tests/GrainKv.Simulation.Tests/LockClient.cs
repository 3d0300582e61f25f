using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A client running etcd's mutex recipe (clientv3 concurrency) against the simulated shard, one
/// lease after another: grant a lease and keep it alive every TTL/3; put a key named after the
/// lease under the lock prefix unless it is there already, reading the oldest key in the same txn;
/// then poll with linearizable ranges until no older key is left. It holds the lock for a while,
/// then unlocks or just stops keeping its lease alive, as a crashed client would, so that expiry
/// must free the lock. Requests go to the replica it believes leads and move on when refused or
/// unanswered.
/// </summary>
public sealed class LockClient
{
    private static readonly ByteString LockPrefix = ByteString.CopyFromUtf8(LockSimulation.LockPrefix);
    private static readonly ByteString LockPrefixEnd = ByteString.CopyFromUtf8(LockSimulation.LockPrefixEnd);
    private static readonly ByteString Resource = ByteString.CopyFromUtf8("resource");

    private readonly int _id;
    private readonly LockSimulation _simulation;
    private readonly long _trustBeyondDeadlineMs;

    /// <summary>Where requests go.</summary>
    private ulong _target;

    /// <summary>Where keep-alives go: clientv3 keeps them on a stream of their own, which may sit on another member.</summary>
    private ulong _keepAliveTarget;

    private LockSession? _session;
    private bool _stopped;

    /// <summary>Bumped whenever the client moves on: a reply or a timer from an older step is ignored.</summary>
    private int _step;

    public LockClient(int id, LockSimulation simulation, long trustBeyondDeadlineMs)
    {
        _id = id;
        _simulation = simulation;
        _trustBeyondDeadlineMs = trustBeyondDeadlineMs;
        _target = 1 + (ulong)Random.Next(Options.Cluster.Replicas);
        _keepAliveTarget = _target;
    }

    private SimulatedCluster Cluster => _simulation.Cluster;
    private LockSimulationOptions Options => _simulation.Options;
    private SeededRandomSource Random => Cluster.Random;
    private long NowMs => Cluster.Clock.NowMs;

    public void Start() => Later(Random.Next(100), BeginSession);

    /// <summary>The client goes away: no more requests or keep-alives. What it believes still lasts until its deadline.</summary>
    public void Stop()
    {
        _stopped = true;
        EndSession();
    }

    private void BeginSession()
    {
        // A grant whose outcome is unknown is given up, not retried: if it took effect, nobody keeps that lease alive and it must expire.
        var leaseId = (long)(Random.NextUInt64() >> 1) | 1;
        var sentMs = NowMs;
        var grant = new ShardCommand { LeaseGrant = new LeaseGrantRequest { ID = leaseId, TTL = Options.LeaseTtlSeconds } };
        Request(core => core.Propose(grant), reply =>
        {
            if (reply.Error != ShardError.None) Later(Random.Next(100), BeginSession);
            else StartSession(new LockSession(_id, leaseId, sentMs + reply.LeaseGrant.TTL * 1000, _trustBeyondDeadlineMs));
        }, onUnknown: BeginSession);
    }

    private void StartSession(LockSession session)
    {
        _session = session;
        WatchDeadline(session);
        Cluster.Clock.Schedule(Options.LeaseTtlMs / 3, () => KeepAlive(session));
        Register(session);
    }

    private void Register(LockSession session)
    {
        var put = new ShardCommand { Put = new PutRequest { Key = session.SessionKey, Lease = session.LeaseId } };
        Request(core => core.Propose(put), reply =>
        {
            if (reply.Error != ShardError.None) EndSession();
            else Acquire(session);
        }, onUnknown: () => Register(session));
    }

    /// <summary>
    /// If the key was never created, create it on the lease; either way read the oldest key under
    /// the prefix. Sent again after an unknown outcome: the else branch finds the key already there.
    /// </summary>
    private void Acquire(LockSession session)
    {
        var oldest = new RangeRequest
        {
            Key = LockPrefix,
            RangeEnd = LockPrefixEnd,
            SortTarget = RangeRequest.Types.SortTarget.Create,
            SortOrder = RangeRequest.Types.SortOrder.Ascend,
            Limit = 1,
        };
        var txn = new TxnRequest
        {
            Compare =
            {
                new Compare
                {
                    Key = session.LockKey,
                    Target = Compare.Types.CompareTarget.Create,
                    Result = Compare.Types.CompareResult.Equal,
                    CreateRevision = 0,
                },
            },
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = session.LockKey, Lease = session.LeaseId } },
                new RequestOp { RequestRange = oldest },
            },
            Failure =
            {
                new RequestOp { RequestRange = new RangeRequest { Key = session.LockKey } },
                new RequestOp { RequestRange = oldest },
            },
        };
        Request(core => core.Propose(new ShardCommand { Txn = txn }), reply =>
        {
            if (reply.Error != ShardError.None)
            {
                EndSession();
                return;
            }
            var responses = reply.Txn.Responses;
            session.KeyRevision = reply.Txn.Succeeded ? reply.Txn.Header.Revision : responses[0].ResponseRange.Kvs[0].CreateRevision;
            var owner = responses[1].ResponseRange.Kvs;
            if (owner.Count == 0 || owner[0].CreateRevision == session.KeyRevision) Acquired(session);
            else Later(Options.PollIntervalMs, () => WaitForOlderKeys(session));
        }, onUnknown: () => Acquire(session));
    }

    /// <summary>etcd waits for the newest key older than its own to be deleted, then looks again; polling does the same.</summary>
    private void WaitForOlderKeys(LockSession session)
    {
        var older = new RangeRequest
        {
            Key = LockPrefix,
            RangeEnd = LockPrefixEnd,
            MaxCreateRevision = session.KeyRevision - 1,
            SortTarget = RangeRequest.Types.SortTarget.Create,
            SortOrder = RangeRequest.Types.SortOrder.Descend,
            Limit = 1,
        };
        Request(core => core.Read(new ShardRead { Range = older }), reply =>
        {
            if (reply.Error != ShardError.None) EndSession();
            else if (reply.Range.Kvs.Count == 0) Acquired(session);
            else Later(Options.PollIntervalMs, () => WaitForOlderKeys(session));
        }, onUnknown: () => WaitForOlderKeys(session));
    }

    private void Acquired(LockSession session)
    {
        if (!session.IsLive(NowMs))
        {
            EndSession();
            return;
        }
        session.Held(NowMs);
        _simulation.Acquired(session);
        UseResource(session);
        Later(1 + Random.Next(2 * (int)Options.LeaseTtlMs), () => Release(session));
    }

    /// <summary>What the lock guards: while it believes it holds the lock, the holder writes the resource every poll interval.</summary>
    private void UseResource(LockSession session)
    {
        if (!ReferenceEquals(_session, session) || !session.BelievesHeld(NowMs)) return;
        var write = new ShardCommand { Put = new PutRequest { Key = Resource, Value = ByteString.CopyFromUtf8($"{_id}:{session.LeaseId:x}") } };
        Cluster.Calls.Call(_target, core => core.Propose(write), _ => { });
        Cluster.Clock.Schedule(Options.PollIntervalMs, () => UseResource(session));
    }

    private void Release(LockSession session)
    {
        if (Random.Next(100) < Options.UnlockPercent)
        {
            session.UnlockSent(NowMs);
            _simulation.Ledger.UnlockSent(session.LeaseId, session.LockKey);
            var unlock = new ShardCommand { DeleteRange = new DeleteRangeRequest { Key = session.LockKey } };
            // Not retried: if it is lost, the lease's expiry frees the lock.
            Cluster.Calls.Call(_target, core => core.Propose(unlock), _ => { });
        }
        EndSession();
    }

    /// <summary>Stops keeping the lease alive and, unless stopped, starts over with a new one after a pause; the old lease must expire.</summary>
    private void EndSession()
    {
        if (_session is { } session) session.KeepingAlive = false;
        _session = null;
        // Later moves the step on, so nothing the old session still awaits runs.
        Later(Random.Next((int)Options.LeaseTtlMs), BeginSession);
    }

    /// <summary>
    /// One keep-alive every TTL/3, to the replica the client believes leads, moving on when the
    /// last one went unanswered. A refusal is sent again to the next replica after a poll interval.
    /// </summary>
    private void KeepAlive(LockSession session)
    {
        if (!session.KeepingAlive) return;
        if (session.KeepAliveOutstanding) MoveOn(ref _keepAliveTarget, _keepAliveTarget);
        SendKeepAlive(session);
        Cluster.Clock.Schedule(Options.LeaseTtlMs / 3, () => KeepAlive(session));
    }

    private void SendKeepAlive(LockSession session)
    {
        var sentMs = NowMs;
        var target = _keepAliveTarget;
        var read = new ShardRead { LeaseKeepAlive = new LeaseKeepAliveRequest { ID = session.LeaseId } };
        session.KeepAliveOutstanding = true;
        Cluster.Calls.Call(target, core => core.Read(read), reply =>
        {
            if (!session.KeepingAlive) return;
            session.KeepAliveOutstanding = false;
            if (reply.Error is ShardError.NotLeader or ShardError.LeaderChanged)
            {
                MoveOn(ref _keepAliveTarget, target);
                Cluster.Clock.Schedule(Options.PollIntervalMs, () =>
                {
                    if (session.KeepingAlive) SendKeepAlive(session);
                });
            }
            else if (reply.Error == ShardError.None && reply.LeaseKeepAlive.TTL > 0 && session.Renewed(sentMs, reply.LeaseKeepAlive.TTL * 1000, NowMs))
            {
                WatchDeadline(session);
            }
        });
    }

    /// <summary>When the deadline passes without a renewal, the lease is lost to the client: it starts over.</summary>
    private void WatchDeadline(LockSession session) => Cluster.Clock.Schedule(Math.Max(0, session.DeadlineMs - NowMs), () =>
    {
        if (ReferenceEquals(_session, session) && !session.IsLive(NowMs)) EndSession();
    });

    /// <summary>
    /// Sends one step of the recipe. A refusal (not leader, or dropped before it reached the log)
    /// goes again to the next replica; an answer is handed to <paramref name="onAnswer"/>; no answer
    /// in time, or a timeout, leaves the outcome unknown and calls <paramref name="onUnknown"/>.
    /// </summary>
    private void Request(Func<ReplicaCore, Task<ShardReply>> submit, Action<ShardReply> onAnswer, Action onUnknown)
    {
        var step = ++_step;
        var target = _target;
        Cluster.Calls.Call(target, submit, reply =>
        {
            if (step != _step) return;
            switch (reply.Error)
            {
                case ShardError.NotLeader or ShardError.LeaderChanged:
                    MoveOn(ref _target, target);
                    Later(1, () => Request(submit, onAnswer, onUnknown));
                    break;
                case ShardError.Timeout:
                    Later(0, onUnknown);
                    break;
                default:
                    _step++;
                    onAnswer(reply);
                    break;
            }
        });
        Later(Options.Cluster.ClientTimeoutMs, () =>
        {
            MoveOn(ref _target, target);
            onUnknown();
        }, step);
    }

    /// <summary>Runs <paramref name="next"/> after a delay unless the client moved on from <paramref name="step"/> (the current one by default) or stopped.</summary>
    private void Later(long delayMs, Action next, int? step = null)
    {
        var at = step ?? ++_step;
        Cluster.Clock.Schedule(delayMs, () =>
        {
            if (at == _step && !_stopped) next();
        });
    }

    /// <summary>Moves <paramref name="target"/> to the next replica, unless it already moved on from <paramref name="from"/>.</summary>
    private void MoveOn(ref ulong target, ulong from)
    {
        if (target == from) target = from % (ulong)Options.Cluster.Replicas + 1;
    }
}
