using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

internal sealed class ResponseStreamWriter<T>(GrpcServerCall call) : IServerStreamWriter<T>
    where T : IMessage
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        call.WriteMessageAsync(message, cancellationToken.CanBeCanceled ? cancellationToken : call.Context.CancellationToken);
}
