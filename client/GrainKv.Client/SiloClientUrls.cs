using System.Collections.Concurrent;
using GrainKv.Group0.Protocol;
using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Shard;
using GrainKv.Silo.Protocol;

namespace GrainKv.Client;

/// <summary>
/// The etcd client URLs of the live silos: as the directory knows them, or else as each silo's member published them
/// to group 0 (the silo is asked once per incarnation, in the background; until it answers, it is left out).
/// </summary>
public sealed class SiloClientUrls(ISiloDirectory directory) : IDisposable
{
    private readonly ConcurrentDictionary<SiloAddress, Uri?> _told = new();
    private readonly ConcurrentDictionary<(string Host, int Port), SiloPeer.SiloPeerClient> _silos = new();
    private readonly ConcurrentBag<IDisposable> _channels = [];

    public IReadOnlyList<Uri> List()
    {
        var urls = new List<Uri>();
        foreach (var silo in directory.LiveSilos)
        {
            if (silo.ClientUrl is { } known)
            {
                urls.Add(known);
            }
            else if (_told.TryGetValue(silo.PeerAddress, out var told))
            {
                if (told is not null) urls.Add(told);
            }
            else if (_told.TryAdd(silo.PeerAddress, null))
            {
                _ = AskAsync(silo);
            }
        }
        return urls;
    }

    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
    }

    private async Task AskAsync(SiloEntry silo)
    {
        try
        {
            var reply = await Connection(silo.PeerAddress).Group0Async(new Group0Request { Read = MemberAttributes.ReadAll() }).ResponseAsync.ConfigureAwait(false);
            if (reply.Error is not ShardError.None) throw new InvalidOperationException($"silo {silo.Name} answered {reply.Error}");
            var first = MemberAttributes.All(reply.Range).Values.FirstOrDefault(member => member.Name == silo.Name)?.ClientUrls.FirstOrDefault()
                ?? throw new InvalidDataException($"silo {silo.Name} has published no client URL");
            _told[silo.PeerAddress] = new Uri(first);
        }
        catch (Exception)
        {
            // Asked again on the next look.
            _told.TryRemove(silo.PeerAddress, out _);
        }
    }

    private SiloPeer.SiloPeerClient Connection(SiloAddress silo) => _silos.GetOrAdd((silo.Host, silo.Port), endpoint =>
    {
        var channel = GrpcChannels.Open(new Uri($"http://{endpoint.Host}:{endpoint.Port}/"));
        _channels.Add(channel);
        return new SiloPeer.SiloPeerClient(channel);
    });
}
