using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Bench;

/// <summary>KV/Range of one key drawn from a <see cref="KeySource"/>, linearizable or serializable.</summary>
public sealed class RangeWorkload(KeySource keys, bool serializable) : IWorkload
{
    public Task SendAsync(GrpcClient client, long requestNumber, Random random, CancellationToken ct)
    {
        var request = new RangeRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(keys.KeyFor(requestNumber, random)),
            Serializable = serializable,
        };
        return client.UnaryAsync(EtcdMethods.Range, request, RangeResponse.Parser, ct: ct);
    }
}
