namespace GrainKv.Runtime.Grpc;

/// <summary>Sends response messages of a streaming call; each is flushed to the client at once, in call order.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
