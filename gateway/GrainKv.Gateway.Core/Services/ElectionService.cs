using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Coordination;
using GrainKv.Gateway.Errors;
using Grpc.Core;
using Mvccpb;
using V3Electionpb;

namespace GrainKv.Gateway.Services;

/// <summary>
/// v3electionpb.Election: etcd's election recipe run on the caller's behalf (etcd-api.md §6.5).
/// Candidates queue a key named after their lease under "name/"; the key created first leads, and its
/// value is what the leader proclaims. A <see cref="LeaderKey"/> names a leadership by key and
/// create revision, so a stale one (deleted or recreated key) can neither proclaim nor resign.
/// </summary>
public sealed class ElectionService : Election.ElectionBase
{
    private readonly RecipeClient _client;
    private readonly KeyWatcher _watcher;

    public ElectionService(RecipeClient client, KeyWatcher watcher)
    {
        _client = client;
        _watcher = watcher;
    }

    /// <summary>
    /// Answers once elected, with the header of the campaign's own txn (as etcd does, however long the
    /// wait). A caller that gives up while waiting resigns.
    /// </summary>
    public override async Task<CampaignResponse> Campaign(CampaignRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var lease = await _client.SessionLeaseAsync(request.Lease, ct);
        var prefix = RecipeRequests.Prefix(request.Name);
        var key = RecipeRequests.ContenderKey(prefix, lease);
        var campaigned = await _client.TxnAsync(RecipeRequests.Campaign(key, request.Value, lease), ct);
        var createRevision = RecipeRequests.OwnCreateRevision(campaigned);
        if (!campaigned.Succeeded && RecipeRequests.ExistingKey(campaigned).Value != request.Value)
        {
            // This lease already campaigns, with another value: the new value replaces it.
            try
            {
                await ProclaimAsync(key, createRevision, request.Value, lease, ct);
            }
            catch
            {
                await ResignIgnoringErrorsAsync(key, createRevision, ct);
                throw;
            }
        }
        try
        {
            await _client.WaitForOlderKeysDeletedAsync(prefix, createRevision - 1, ct);
        }
        catch when (ct.IsCancellationRequested)
        {
            await ResignIgnoringErrorsAsync(key, createRevision, CancellationToken.None);
            throw;
        }
        return new CampaignResponse
        {
            Header = campaigned.Header,
            Leader = new LeaderKey { Name = request.Name, Key = key, Rev = createRevision, Lease = lease },
        };
    }

    public override async Task<ProclaimResponse> Proclaim(ProclaimRequest request, ServerCallContext context)
    {
        if (request.Leader is null) EtcdErrors.Throw(CoordinationError.MissingLeaderKey);
        var leader = request.Leader;
        var ct = context.CancellationToken;
        var lease = await _client.SessionLeaseAsync(leader.Lease, ct);
        return new ProclaimResponse { Header = await ProclaimAsync(leader.Key, leader.Rev, request.Value, lease, ct) };
    }

    public override async Task<LeaderResponse> Leader(LeaderRequest request, ServerCallContext context)
    {
        var first = await _client.RangeAsync(RecipeRequests.FirstCreated(RecipeRequests.Prefix(request.Name)), context.CancellationToken);
        if (first.Kvs.Count == 0) EtcdErrors.Throw(CoordinationError.NoLeader);
        return new LeaderResponse { Header = first.Header, Kv = first.Kvs[0] };
    }

    /// <summary>Resigning a leadership that is already over is no error: nothing is deleted.</summary>
    public override async Task<ResignResponse> Resign(ResignRequest request, ServerCallContext context)
    {
        if (request.Leader is null) EtcdErrors.Throw(CoordinationError.MissingLeaderKey);
        var leader = request.Leader;
        var ct = context.CancellationToken;
        // etcd opens a session on the leader's lease here as well, so lease 0 gets a fresh lease that is never used.
        await _client.SessionLeaseAsync(leader.Lease, ct);
        var resigned = await _client.TxnAsync(RecipeRequests.Resign(leader.Key, leader.Rev), ct);
        return new ResignResponse { Header = resigned.Header };
    }

    /// <summary>
    /// Streams the leader, then each value it proclaims, until its key is deleted; then the next leader,
    /// and so on (clientv3 concurrency's Election.Observe). Like etcd, the stream ends with OK when a
    /// read or watch fails, and only the caller's cancellation ends it otherwise.
    /// </summary>
    public override async Task Observe(LeaderRequest request, IServerStreamWriter<LeaderResponse> responses, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var prefix = RecipeRequests.Prefix(request.Name);
        try
        {
            while (true)
            {
                var leader = await NextLeaderAsync(prefix, ct);
                await responses.WriteAsync(leader, ct);
                await FollowUntilDeletedAsync(leader, responses, ct);
            }
        }
        catch (RpcException)
        {
        }
    }

    /// <summary>The current leader; with none, the first key put under the prefix, reported at its own revision.</summary>
    private async Task<LeaderResponse> NextLeaderAsync(ByteString prefix, CancellationToken ct)
    {
        var first = await _client.RangeAsync(RecipeRequests.FirstCreated(prefix), ct);
        if (first.Kvs.Count > 0) return new LeaderResponse { Header = first.Header, Kv = first.Kvs[0] };
        await foreach (var change in _watcher.WatchAsync(prefix, KeyPrefix.RangeEnd(prefix), first.Header.Revision, ct))
        {
            if (change.Events.FirstOrDefault(e => e.Type == Event.Types.EventType.Put) is { } put)
            {
                var header = change.Header.Clone();
                header.Revision = put.Kv.ModRevision;
                return new LeaderResponse { Header = header, Kv = put.Kv };
            }
        }
        throw new UnreachableException("a watch ends only by cancellation or error");
    }

    /// <summary>Every later value of the leader's key, each with its watch response's header, until the key is deleted.</summary>
    private async Task FollowUntilDeletedAsync(LeaderResponse leader, IServerStreamWriter<LeaderResponse> responses, CancellationToken ct)
    {
        await foreach (var change in _watcher.WatchAsync(leader.Kv.Key, ByteString.Empty, leader.Header.Revision + 1, ct))
        {
            foreach (var e in change.Events)
            {
                if (e.Type == Event.Types.EventType.Delete) return;
                await responses.WriteAsync(new LeaderResponse { Header = change.Header, Kv = e.Kv }, ct);
            }
        }
    }

    private async Task<ResponseHeader> ProclaimAsync(ByteString key, long createRevision, ByteString value, long lease, CancellationToken ct)
    {
        var proclaimed = await _client.TxnAsync(RecipeRequests.Proclaim(key, createRevision, value, lease), ct);
        if (!proclaimed.Succeeded) EtcdErrors.Throw(CoordinationError.NotLeader);
        return proclaimed.Header;
    }

    /// <summary>etcd ignores the outcome of this clean-up and reports the error that caused it.</summary>
    private async Task ResignIgnoringErrorsAsync(ByteString key, long createRevision, CancellationToken ct)
    {
        try
        {
            await _client.TxnAsync(RecipeRequests.Resign(key, createRevision), ct);
        }
        catch (Exception error) when (error is RpcException or OperationCanceledException)
        {
        }
    }
}
