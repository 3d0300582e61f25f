using Etcdserverpb;
using GrainKv.Gateway.Coordination;
using Grpc.Core;
using V3Lockpb;

namespace GrainKv.Gateway.Services;

/// <summary>
/// v3lockpb.Lock: etcd's mutex recipe run on the caller's behalf (etcd-api.md §6.4). Lock queues a key
/// named after the lease under "name/" and answers once every key queued before it is gone.
/// </summary>
public sealed class LockService : V3Lockpb.Lock.LockBase
{
    private readonly RecipeClient _client;

    public LockService(RecipeClient client)
    {
        _client = client;
    }

    public override async Task<LockResponse> Lock(LockRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var lease = await _client.SessionLeaseAsync(request.Lease, ct);
        var prefix = RecipeRequests.Prefix(request.Name);
        var key = RecipeRequests.ContenderKey(prefix, lease);
        var locked = await _client.TxnAsync(RecipeRequests.Lock(key, prefix, lease), ct);
        if (RecipeRequests.OwnsLock(locked)) return new LockResponse { Header = locked.Header, Key = key };

        ResponseHeader acquired;
        try
        {
            acquired = await _client.WaitForOlderKeysDeletedAsync(prefix, RecipeRequests.OwnCreateRevision(locked) - 1, ct);
        }
        catch
        {
            // As etcd: a waiter that gives up (or whose wait fails) takes its key out of the queue, so it
            // blocks nobody; the key is deleted even though the caller is gone.
            await DeleteIgnoringErrorsAsync(key);
            throw;
        }
        return new LockResponse { Header = acquired, Key = key };
    }

    public override async Task<UnlockResponse> Unlock(UnlockRequest request, ServerCallContext context)
    {
        var deleted = await _client.DeleteAsync(request.Key, context.CancellationToken);
        return new UnlockResponse { Header = deleted.Header };
    }

    /// <summary>etcd ignores the outcome of this clean-up and reports the wait's error.</summary>
    private async Task DeleteIgnoringErrorsAsync(Google.Protobuf.ByteString key)
    {
        try
        {
            await _client.DeleteAsync(key, CancellationToken.None);
        }
        catch (RpcException)
        {
        }
    }
}
