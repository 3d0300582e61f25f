using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>One kind of request a run repeats. Throws <see cref="RpcException"/> when the server answers with an error.</summary>
public interface IWorkload
{
    Task SendAsync(EtcdConnection connection, long requestNumber, Random random, CancellationToken ct);
}
