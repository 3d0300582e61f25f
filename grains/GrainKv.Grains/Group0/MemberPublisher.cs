using GrainKv.Grains.Cluster;
using GrainKv.Group0.Protocol;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Group0;

/// <summary>
/// Publishes this member's attributes (name, client URLs, storage server) to group 0 when the silo starts, trying
/// again every second until group 0 has taken them, as an etcd member publishes its attributes through Raft.
/// </summary>
public sealed partial class MemberPublisher(ClusterIdentity identity, StorageServer storage, MemberDirectory members, TimeProvider time,
    ILogger<MemberPublisher> log) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var attributes = new MemberAttributes { Name = identity.MemberName, StorageServer = storage.Identity ?? "" };
        attributes.ClientUrls.AddRange(identity.ClientUrls);
        while (true)
        {
            try
            {
                await members.PublishAsync(identity.MemberId, attributes).WaitAsync(stoppingToken);
                LogPublished(identity.MemberName, string.Join(',', identity.ClientUrls));
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not publish this member's attributes yet ({Reason}); trying again")]
    private partial void LogNotYet(string reason);
}
