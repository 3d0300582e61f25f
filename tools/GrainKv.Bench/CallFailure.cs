using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// How the end of a call shows on the client. Reading gives an <see cref="RpcException"/> with the server's status;
/// a write racing with the end meets the disposed call, or the status it ended with. Canceling the run's token
/// cancels its calls, which the client reports as a Cancelled status.
/// </summary>
public static class CallFailure
{
    /// <summary>Whether <paramref name="error"/> is the run being interrupted, which gives the call in flight no outcome.</summary>
    public static bool IsRunInterrupted(Exception error, CancellationToken runToken) =>
        runToken.IsCancellationRequested && error is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    /// <summary>Whether <paramref name="error"/> means the call is over, rather than the run being interrupted.</summary>
    public static bool IsCallOver(Exception error, CancellationToken runToken) =>
        !IsRunInterrupted(error, runToken) && error is RpcException or ObjectDisposedException or OperationCanceledException;

    public static string Describe(Exception error) => error switch
    {
        // A failure on the client's side carries its cause in DebugException; a failed connection's detail leaves it out.
        RpcException { Status.DebugException: { } cause } rpc when !rpc.Status.Detail.Contains(cause.Message, StringComparison.Ordinal) =>
            $"{rpc.StatusCode}: {rpc.Status.Detail} {cause.Message}",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => $"{error.GetType().Name}: {error.Message}",
    };
}
