using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

internal sealed class ClientStreamingMethodHandler<TRequest, TResponse>(
    MessageParser<TRequest> parser, Func<IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler) : GrpcMethodHandler
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override async Task HandleAsync(GrpcServerCall call)
    {
        TResponse response = await handler(new RequestStreamReader<TRequest>(call, parser), call.Context).ConfigureAwait(false);
        call.WriteMessage(response);
    }
}
