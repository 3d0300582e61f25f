using GrainKv.Runtime.Grpc;
using Grpc.Core;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// A grain call could not be completed on the silo its grain is placed on: the silo refused the connection,
/// or the call broke off midway, in which case the grain may have run it.
/// </summary>
public sealed class SiloUnreachableException : Exception
{
    public SiloUnreachableException(SiloAddress silo, string reason, Exception? innerException = null)
        : base($"Silo {silo} is unreachable: {reason}", innerException)
    {
        Silo = silo;
    }

    /// <summary>No silo at all could take the call.</summary>
    public SiloUnreachableException(string reason, Exception? innerException = null)
        : base($"No silo is reachable: {reason}", innerException)
    {
    }

    /// <summary>The silo the call was sent to; none when no silo could take it.</summary>
    public SiloAddress? Silo { get; }

    /// <summary>
    /// No silo took the call (none was known, or the connection could not even be made), so it ran nowhere
    /// and may be sent again, even if it must not run twice.
    /// </summary>
    public bool NeverSent => Silo is null || InnerException is RpcException rpc && rpc.NeverSent();

    /// <summary>
    /// Whether the call may be sent again: an idempotent one always; any other only if it ran nowhere,
    /// since one that broke off midway may have run, and its outcome is then unknown.
    /// </summary>
    public bool AllowsResend(bool idempotent) => idempotent || NeverSent;
}
