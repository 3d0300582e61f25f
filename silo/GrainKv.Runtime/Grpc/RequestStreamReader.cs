using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

internal sealed class RequestStreamReader<T>(GrpcServerCall call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        CancellationToken token = cancellationToken.CanBeCanceled ? cancellationToken : call.Context.CancellationToken;
        _current = await call.ReadMessageAsync(parser, token).ConfigureAwait(false);
        return _current is not null;
    }
}
