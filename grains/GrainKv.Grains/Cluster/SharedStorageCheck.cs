using GrainKv.Grains.Group0;
using GrainKv.Group0.Protocol;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// Warns when other members keep their Raft logs on this silo's PostgreSQL server, which is allowed for development
/// but lets one server failure take a whole Raft group: reads what the members published to group 0, again every few
/// seconds until every other member has.
/// </summary>
public sealed partial class SharedStorageCheck(ClusterIdentity identity, StorageServer storage, MemberDirectory members, TimeProvider time,
    ILogger<SharedStorageCheck> log) : BackgroundService
{
    private static readonly TimeSpan ReadInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Identity is not { } own) return;
        var unseen = identity.Members.Where(member => member.Id != identity.MemberId).Select(member => member.Id).ToHashSet();
        var sharing = new List<string>();
        using var timer = new PeriodicTimer(ReadInterval, time);
        do
        {
            IReadOnlyDictionary<ulong, MemberAttributes> published;
            try
            {
                published = await members.ReadAsync().WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Group0Exception or SiloUnreachableException)
            {
                continue;
            }
            foreach (var (id, attributes) in published.Where(member => unseen.Contains(member.Key)))
            {
                unseen.Remove(id);
                if (attributes.StorageServer != own) continue;
                sharing.Add(attributes.Name);
                LogSharedStorage(string.Join(", ", sharing.Order(StringComparer.Ordinal)), own);
            }
        }
        while (unseen.Count > 0 && await timer.WaitForNextTickAsync(stoppingToken));
        if (sharing.Count == 0) LogNoneShares(own);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Members {Members} keep their Raft logs on the same PostgreSQL server as this silo (system identifier {StorageIdentity}). Allowed for development; in production each silo needs its own server, or one server failure loses a whole Raft group")]
    private partial void LogSharedStorage(string members, string storageIdentity);

    [LoggerMessage(Level = LogLevel.Information, Message = "No other member keeps its Raft logs on this silo's PostgreSQL server (system identifier {StorageIdentity})")]
    private partial void LogNoneShares(string storageIdentity);
}
