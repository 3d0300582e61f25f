using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Bench;

/// <summary>KV/Put of one value, the same bytes every time, under keys drawn from a <see cref="KeySource"/>.</summary>
public sealed class PutWorkload(KeySource keys, ByteString value) : IWorkload
{
    public Task SendAsync(EtcdConnection connection, long requestNumber, Random random, CancellationToken ct)
    {
        var request = new PutRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(keys.KeyFor(requestNumber, random)),
            Value = value,
        };
        return connection.Kv.PutAsync(request, cancellationToken: ct).ResponseAsync;
    }
}
