using GrainKv.Runtime.Cluster;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A call to a replica on another silo that did not come back with an answer: group 0's peer call could not reach its
/// silo (<see cref="SiloUnreachableException"/>), or an Orleans grain call found its silo dead, was rejected on the way
/// or timed out. Only a call that provably ran nowhere may be sent again if it must not run twice: one that could not
/// even connect. Orleans cannot tell whether a call it lost reached the grain: it rejects the messages it had written to
/// a connection that then closed, whether or not the other side read them, so a lost grain call that is not
/// idempotent has an unknown outcome (sent again, a write could apply twice).
/// </summary>
public static class LostCall
{
    public static bool Is(Exception error) =>
        error is SiloUnreachableException or SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;

    public static bool AllowsResend(Exception error, bool idempotent) => idempotent || error is SiloUnreachableException { NeverSent: true };
}
