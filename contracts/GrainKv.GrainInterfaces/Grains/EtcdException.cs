using Grpc.Core;

namespace GrainKv.Grains;

/// <summary>A request GrainKv refused as etcd would: the gRPC status code and message etcd's API answers it with.</summary>
[GenerateSerializer]
[Alias("grainkv.EtcdException")]
public sealed class EtcdException(StatusCode statusCode, string message) : Exception(message)
{
    [Id(0)]
    public StatusCode StatusCode { get; } = statusCode;
}
