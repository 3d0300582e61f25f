using System.Diagnostics;
using GrainKv.Runtime.Grpc;
using Grpc.Core;

namespace GrainKv.Client;

/// <summary>
/// Unary etcd calls over <see cref="EtcdEndpoints"/> with etcd's client-side retry rules, within a deadline.
/// A call that never reached an endpoint goes to the next one; a read is also asked again after its
/// endpoint broke off or answered Unavailable (no leader, leader changed), as clientv3 does. A write that
/// may have reached a server is never sent again: if its connection broke, its outcome is unknown and it
/// fails with etcd's "request timed out".
/// </summary>
internal sealed class EtcdUnaryCalls(EtcdEndpoints endpoints, TimeSpan requestTimeout)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    /// <param name="call">Starts the call on an endpoint's channel with the options given (deadline, cancellation).</param>
    public async Task<TResponse> CallAsync<TResponse>(Func<CallInvoker, CallOptions, AsyncUnaryCall<TResponse>> call, bool idempotent, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var left = requestTimeout - Stopwatch.GetElapsedTime(started);
            var endpoint = endpoints.Current;
            if (endpoint is null)
            {
                if (left <= RetryDelay) throw new RpcException(new Status(StatusCode.Unavailable, "grainkv: no endpoint is known"));
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                continue;
            }
            try
            {
                var options = new CallOptions(deadline: DateTime.UtcNow + left, cancellationToken: ct);
                return await call(endpoints.Connection(endpoint).CreateCallInvoker(), options).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable && (idempotent || error.NeverSent()) && left > RetryDelay)
            {
                if (IsBrokenConnection(error)) endpoints.MoveOn(endpoint);
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable && IsBrokenConnection(error))
            {
                endpoints.MoveOn(endpoint);
                if (error.NeverSent() || idempotent) throw;
                throw new RpcException(new Status(StatusCode.Unavailable, "etcdserver: request timed out", error));
            }
        }
    }

    /// <summary>The transport failed, as opposed to a server answering Unavailable itself.</summary>
    private static bool IsBrokenConnection(RpcException error) => error.Status.DebugException is HttpRequestException or IOException;
}
