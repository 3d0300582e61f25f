using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

internal sealed class ServerStreamingMethodHandler<TRequest, TResponse>(
    MessageParser<TRequest> parser, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : GrpcMethodHandler
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override async Task HandleAsync(GrpcServerCall call)
    {
        TRequest request = await call.ReadSingleMessageAsync(parser).ConfigureAwait(false);
        await handler(request, new ResponseStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
    }
}
