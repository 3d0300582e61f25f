using System.Collections.Concurrent;
using GrainKv.Grains;
using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Client;

/// <summary>
/// The etcd client URLs of the live silos: as the directory knows them, or else as each silo's member
/// grain tells (asked once per silo incarnation, in the background; until it answers, the silo is left out).
/// </summary>
public sealed class SiloClientUrls(ISiloDirectory directory, IGrainFactory grains)
{
    private readonly ConcurrentDictionary<SiloAddress, Uri?> _told = new();

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

    private async Task AskAsync(SiloEntry silo)
    {
        try
        {
            var urls = await grains.GetGrain<IMemberGrain>(silo.Name).GetClientUrls().ConfigureAwait(false);
            var first = urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            if (first is null) throw new InvalidDataException($"silo {silo.Name} advertises no client URL");
            _told[silo.PeerAddress] = new Uri(first);
        }
        catch (Exception)
        {
            // Asked again on the next look.
            _told.TryRemove(silo.PeerAddress, out _);
        }
    }
}
