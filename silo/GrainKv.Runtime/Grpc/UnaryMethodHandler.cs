using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

internal sealed class UnaryMethodHandler<TRequest, TResponse>(
    MessageParser<TRequest> parser, Func<TRequest, ServerCallContext, Task<TResponse>> handler) : GrpcMethodHandler
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override async Task HandleAsync(GrpcServerCall call)
    {
        TRequest request = await call.ReadSingleMessageAsync(parser).ConfigureAwait(false);
        TResponse response = await handler(request, call.Context).ConfigureAwait(false);
        call.WriteMessage(response);
    }
}
