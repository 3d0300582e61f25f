using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Group0.Protocol;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Group0;

/// <summary>
/// Publishes this member's attributes (name, client URLs, storage server) to group 0 when the silo starts, as an etcd
/// member publishes its attributes through Raft, and the shard map its flags describe unless the cluster has one: a
/// member whose flags describe another map than the cluster's is stopped (exit code 1), as its replicas would not be
/// the cluster's. Tries again every second until group 0 has taken both.
/// </summary>
public sealed partial class MemberPublisher(ClusterIdentity identity, StorageServer storage, MemberDirectory members, ShardMap shards,
    ShardMapDirectory shardMaps, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<MemberPublisher> log) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var attributes = new MemberAttributes { Name = identity.MemberName, StorageServer = storage.Identity ?? "" };
        attributes.ClientUrls.AddRange(identity.ClientUrls);
        var published = false;
        while (true)
        {
            try
            {
                if (!published)
                {
                    await members.PublishAsync(identity.MemberId, attributes).WaitAsync(stoppingToken);
                    LogPublished(identity.MemberName, string.Join(',', identity.ClientUrls));
                    published = true;
                }
                var held = await shardMaps.BootstrapAsync(shards).WaitAsync(stoppingToken);
                if (!held.SameLayoutAs(shards))
                {
                    LogOtherShardMap(shards.Ranges.Count, held.Version, held.Ranges.Count);
                    Environment.ExitCode = 1;
                    lifetime.StopApplication();
                }
                return;
            }
            catch (Exception ex) when (ex is Group0Exception or SiloUnreachableException)
            {
                LogNotYet(ex.Message);
            }
            await Task.Delay(RetryInterval, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published member {Name} with client URLs {ClientUrls} to the cluster")]
    private partial void LogPublished(string name, string clientUrls);

    [LoggerMessage(Level = LogLevel.Critical, Message = "This member's flags describe a shard map of {Shards} shards (--initial-shards, --initial-shard-splits, --replicas), but the cluster's, version {Version}, has {HeldShards}: give the flags the cluster was bootstrapped with; stopping")]
    private partial void LogOtherShardMap(int shards, ulong version, int heldShards);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not publish this member's attributes yet ({Reason}); trying again")]
    private partial void LogNotYet(string reason);
}
