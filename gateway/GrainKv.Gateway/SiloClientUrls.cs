using GrainKv.Grains;
using Orleans;

namespace GrainKv.Gateway;

/// <summary>
/// The silos' etcd client URLs, where watches are relayed from: what the members published to group 0, asked of the
/// cluster through any silo at start and again in the background when the list is older than <see cref="MaxAge"/>
/// (members come and go, and a restarted one may publish new URLs).
/// </summary>
internal sealed class SiloClientUrls(IGrainFactory grains)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private IReadOnlyList<Uri> _urls = [];
    private long _askedAt;
    private int _asking;

    public IReadOnlyList<Uri> List()
    {
        if (Environment.TickCount64 - Volatile.Read(ref _askedAt) > MaxAge.TotalMilliseconds && Interlocked.Exchange(ref _asking, 1) == 0)
        {
            _ = RefreshInBackgroundAsync();
        }
        return Volatile.Read(ref _urls);
    }

    public async Task RefreshAsync()
    {
        var urls = await grains.GetGrain<IClusterGrain>(0).GetClientUrls();
        Volatile.Write(ref _urls, urls.Select(url => new Uri(url)).ToArray());
        Volatile.Write(ref _askedAt, Environment.TickCount64);
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync();
        }
        catch (Exception)
        {
            // Kept as it was; asked again on the next look.
        }
        finally
        {
            Volatile.Write(ref _asking, 0);
        }
    }
}
