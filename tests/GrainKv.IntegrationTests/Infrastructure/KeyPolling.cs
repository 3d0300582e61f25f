using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>Waits, within a bound, for a server's keys to reach a state another call (a blocked one, a clean-up) brings about.</summary>
public static class KeyPolling
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Returns once exactly <paramref name="count"/> keys start with <paramref name="prefix"/>.</summary>
    public static async Task WaitForKeyCountAsync(EtcdClient client, string prefix, int count)
    {
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = ByteString.CopyFromUtf8(prefix[..^1] + (char)(prefix[^1] + 1)), CountOnly = true };
        var deadline = DateTime.UtcNow + Patience;
        long seen;
        while ((seen = (await client.RangeAsync(request)).Count) != count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{seen} keys under {prefix}, not {count}, after {Patience}");
            await Task.Delay(20);
        }
    }
}
