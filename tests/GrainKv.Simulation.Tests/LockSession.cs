using Google.Protobuf;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// One lease of a lock client and what the client may assume about it. The clock is virtual and
/// shared, so a correct client may count its lease as live until the send time of the last
/// keep-alive answered with a positive TTL plus that TTL, and no longer.
/// </summary>
public sealed class LockSession(int clientId, long leaseId, long deadlineMs, long trustBeyondDeadlineMs)
{
    public int ClientId { get; } = clientId;

    public long LeaseId { get; } = leaseId;

    /// <summary>The lock's waiter key: the prefix and the lease id in hex, as etcd's mutex names it.</summary>
    public ByteString LockKey { get; } = ByteString.CopyFromUtf8($"{LockSimulation.LockPrefix}{leaseId:x}");

    /// <summary>A second key on the lease, so a revoke has several keys to delete at once.</summary>
    public ByteString SessionKey { get; } = ByteString.CopyFromUtf8($"session/{leaseId:x}");

    /// <summary>Until when the client may count on its lease.</summary>
    public long DeadlineMs { get; private set; } = deadlineMs;

    /// <summary>The create revision of <see cref="LockKey"/>: the lock is held once no older key is left under the prefix.</summary>
    public long KeyRevision { get; set; }

    /// <summary>Whether keep-alives are still sent and their answers still extend <see cref="DeadlineMs"/>.</summary>
    public bool KeepingAlive { get; set; } = true;

    /// <summary>The last keep-alive has not been answered yet.</summary>
    public bool KeepAliveOutstanding { get; set; }

    /// <summary>When the client learned it holds the lock; null if it never did.</summary>
    public long? HeldSinceMs { get; private set; }

    public long? UnlockSentMs { get; private set; }

    /// <summary>
    /// The client stops believing it holds the lock when it sends its unlock or its lease deadline
    /// passes. A planted overconfident client trusts its lease <c>trustBeyondDeadlineMs</c> longer.
    /// </summary>
    public long BeliefEndMs => Math.Min(UnlockSentMs ?? long.MaxValue, DeadlineMs + trustBeyondDeadlineMs);

    public bool IsLive(long nowMs) => nowMs < DeadlineMs;

    public bool BelievesHeld(long nowMs) => HeldSinceMs <= nowMs && nowMs < BeliefEndMs;

    /// <summary>An answer with a positive TTL to the keep-alive sent at <paramref name="sentMs"/>; ignored once the lease is past its deadline.</summary>
    public bool Renewed(long sentMs, long ttlMs, long nowMs)
    {
        if (!IsLive(nowMs)) return false;
        DeadlineMs = Math.Max(DeadlineMs, sentMs + ttlMs);
        return true;
    }

    public void Held(long nowMs) => HeldSinceMs = nowMs;

    public void UnlockSent(long nowMs) => UnlockSentMs = nowMs;

    public override string ToString() =>
        $"client {ClientId} lease {LeaseId:x} (key revision {KeyRevision}, held from {HeldSinceMs}ms, deadline {DeadlineMs}ms, unlock sent {UnlockSentMs?.ToString() ?? "never"})";
}
