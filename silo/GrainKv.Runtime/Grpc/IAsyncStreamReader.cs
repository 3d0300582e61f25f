namespace GrainKv.Runtime.Grpc;

/// <summary>Reads the request messages of a client-streaming or bidirectional call, in order.</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>False once the client half-closed its side of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken = default);
}
