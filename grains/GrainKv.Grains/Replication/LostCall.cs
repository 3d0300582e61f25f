using GrainKv.Runtime.Cluster;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A call to a replica on another silo that did not come back with an answer: group 0's peer call could not reach its
/// silo (<see cref="SiloUnreachableException"/>), or an Orleans grain call found its silo dead, was rejected on the way
/// or timed out. Only a call that provably ran nowhere may be sent again if it must not run twice: one that could not
/// connect, or one Orleans rejected (a rejection answers a message that no grain took: no gateway or silo could be
/// reached, or the target refused it before running it). A call lost after it was sent, to a silo that died or a
/// response that never came, may have run, so one that is not idempotent has an unknown outcome.
/// </summary>
public static class LostCall
{
    public static bool Is(Exception error) =>
        error is SiloUnreachableException or SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;

    public static bool AllowsResend(Exception error, bool idempotent) =>
        idempotent || error is SiloUnreachableException { NeverSent: true } or OrleansMessageRejectionException;
}
