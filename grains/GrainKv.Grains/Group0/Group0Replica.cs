using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Runtime.Cluster;
using GrainKv.Shard;
using GrainKv.Silo.Protocol;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Grains.Group0;

/// <summary>
/// This silo's replica of group 0, the Raft group of every --initial-cluster member that holds what belongs to the
/// cluster as a whole. It starts with the silo, before any grain, runs on the silo's <see cref="ReplicaDriver"/> like
/// every replica and talks over the same peer streams; peers reach it through <c>SiloPeer.Group0</c>.
/// </summary>
public sealed class Group0Replica(ReplicaStarter starter, ReplicaDriver driver, ClusterIdentity identity) : IHostedService, IGroup0Endpoint
{
    /// <summary>Group 0's Raft group id; shards are numbered from 1.</summary>
    public const ulong GroupId = 0;

    private readonly TaskCompletionSource<ReplicaCore> _core = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _core.TrySetResult(await starter.StartAsync(GroupId, identity.Members.Select(m => m.Id).ToArray(), cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_core.Task.IsCompletedSuccessfully) driver.Unregister(_core.Task.Result);
        return Task.CompletedTask;
    }

    public async Task<ShardReply> Propose(ShardCommand command) => await driver.Propose(await _core.Task, command);

    public async Task<ShardReply> Read(ShardRead read) => await driver.Read(await _core.Task, read);

    public async Task<ulong> WaitForLeader(ulong stale) => await (await _core.Task).WaitForLeader(stale);

    public async Task<ShardReply> AllocateRevisions(uint count) => await driver.AllocateRevisions(await _core.Task, count);

    public async Task<ShardReply> HandleAsync(Group0Request request, CancellationToken ct) => request.RequestCase switch
    {
        Group0Request.RequestOneofCase.Propose => await Propose(request.Propose).WaitAsync(ct),
        Group0Request.RequestOneofCase.Read => await Read(request.Read).WaitAsync(ct),
        Group0Request.RequestOneofCase.AllocateRevisions => await AllocateRevisions(request.AllocateRevisions).WaitAsync(ct),
        Group0Request.RequestOneofCase.WaitForLeaderAfter => new ShardReply { LeaderId = await WaitForLeader(request.WaitForLeaderAfter).WaitAsync(ct) },
        _ => throw new ArgumentException("A group 0 request names no operation.", nameof(request)),
    };
}
