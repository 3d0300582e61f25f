using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Bench;

/// <summary>KV/Range of one key drawn from a <see cref="KeySource"/>, linearizable or serializable.</summary>
public sealed class RangeWorkload(KeySource keys, bool serializable) : IWorkload
{
    public Task SendAsync(EtcdConnection connection, long requestNumber, Random random, CancellationToken ct)
    {
        var request = new RangeRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(keys.KeyFor(requestNumber, random)),
            Serializable = serializable,
        };
        return connection.Kv.RangeAsync(request, cancellationToken: ct).ResponseAsync;
    }
}
