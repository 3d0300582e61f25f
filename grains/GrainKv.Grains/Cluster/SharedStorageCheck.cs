using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// Warns when other members keep their Raft logs on this silo's PostgreSQL server, which is allowed for development
/// but lets one server failure take a whole Raft group. For clusters without a membership table (with one, the
/// membership agent warns from the table's rows): each member's grain is asked, again every few seconds until it
/// has answered once.
/// </summary>
public sealed partial class SharedStorageCheck(ClusterIdentity identity, StorageServer storage, IGrainFactory grains, TimeProvider time,
    ILogger<SharedStorageCheck> log) : BackgroundService
{
    private static readonly TimeSpan AskInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Identity is not { } own) return;
        var unasked = identity.Members.Where(member => member.Id != identity.MemberId).Select(member => member.Name).ToList();
        var sharing = new List<string>();
        using var timer = new PeriodicTimer(AskInterval, time);
        do
        {
            foreach (var name in unasked.ToArray())
            {
                string server;
                try
                {
                    server = await grains.GetGrain<IMemberGrain>(name).GetStorageServer().WaitAsync(AskInterval, time, stoppingToken);
                }
                catch (Exception ex) when (ex is TimeoutException or SiloUnreachableException or RemoteGrainException)
                {
                    continue;
                }
                unasked.Remove(name);
                if (server != own) continue;
                sharing.Add(name);
                LogSharedStorage(string.Join(", ", sharing), own);
            }
        }
        while (unasked.Count > 0 && await timer.WaitForNextTickAsync(stoppingToken));
        if (sharing.Count == 0) LogNoneShares(own);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Members {Members} keep their Raft logs on the same PostgreSQL server as this silo (system identifier {StorageIdentity}). Allowed for development; in production each silo needs its own server, or one server failure loses a whole Raft group")]
    private partial void LogSharedStorage(string members, string storageIdentity);

    [LoggerMessage(Level = LogLevel.Information, Message = "No other member keeps its Raft logs on this silo's PostgreSQL server (system identifier {StorageIdentity})")]
    private partial void LogNoneShares(string storageIdentity);
}
