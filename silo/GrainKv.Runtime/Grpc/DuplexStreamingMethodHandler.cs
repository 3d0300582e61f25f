using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

internal sealed class DuplexStreamingMethodHandler<TRequest, TResponse>(
    MessageParser<TRequest> parser,
    Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : GrpcMethodHandler
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override Task HandleAsync(GrpcServerCall call) =>
        handler(new RequestStreamReader<TRequest>(call, parser), new ResponseStreamWriter<TResponse>(call), call.Context);
}
