using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GrainKv.Gateway.Errors;

/// <summary>
/// Where exceptions leave the etcd services: an <see cref="RpcException"/> as it is, anything else as
/// <see cref="EtcdErrors.ToStatus(Exception)"/> maps it, so no call ends with Grpc.AspNetCore's generic Unknown.
/// </summary>
public sealed class EtcdErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception error) when (error is not RpcException)
        {
            throw AsRpcException(error);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception error) when (error is not RpcException)
        {
            throw AsRpcException(error);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception error) when (error is not RpcException)
        {
            throw AsRpcException(error);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception error) when (error is not RpcException)
        {
            throw AsRpcException(error);
        }
    }

    private static RpcException AsRpcException(Exception error)
    {
        var (code, message) = EtcdErrors.ToStatus(error);
        return new RpcException(new Status(code, message));
    }
}
