using GrainKv.Runtime.Grpc;
using Grpc.Core;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// A call to another silo (group 0's peer calls) could not be completed: the silo refused the connection, or the call
/// broke off midway, in which case the silo may have run it.
/// </summary>
public sealed class SiloUnreachableException : Exception
{
    public SiloUnreachableException(PeerAddress silo, string reason, Exception? innerException = null)
        : base($"Silo {silo} is unreachable: {reason}", innerException)
    {
        Silo = silo;
    }

    /// <summary>The silo the call was sent to.</summary>
    public PeerAddress Silo { get; }

    /// <summary>
    /// The connection could not even be made, so the call ran nowhere and may be sent again, even if it must not
    /// run twice.
    /// </summary>
    public bool NeverSent => InnerException is RpcException rpc && rpc.NeverSent();
}
