using GrainKv.Runtime.Grpc;

namespace GrainKv.Bench;

/// <summary>
/// How the end of a streaming call shows on the client. Reading gives an <see cref="RpcException"/> with the
/// server's status; a write racing with the end meets the disposed request stream, or a send canceled with the call.
/// </summary>
public static class CallFailure
{
    /// <summary>Whether <paramref name="error"/> means the call is over, rather than the run being interrupted.</summary>
    public static bool IsCallOver(Exception error, CancellationToken runToken) =>
        error is RpcException or ObjectDisposedException || (error is OperationCanceledException && !runToken.IsCancellationRequested);

    public static string Describe(Exception error) =>
        error is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Message}" : $"{error.GetType().Name}: {error.Message}";
}
