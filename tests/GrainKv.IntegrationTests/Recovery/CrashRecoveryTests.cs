using System.Collections.Concurrent;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Recovery;

/// <summary>
/// A silo killed with SIGKILL loses nothing it acknowledged: after a restart on the same data dir
/// every acknowledged write is there with its revision, the compaction point and history survive,
/// and the next write gets the next revision.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task KillDuringWrites_Restart_KeepsEveryAcknowledgedWriteAndRevision()
    {
        // A small snapshot count, so recovery goes through snapshot + log tail, not the log alone.
        using var server = await GrainKvServer.StartAsync("--snapshot-count", "50");
        using var client = new EtcdClient(server.ClientUrl);

        await client.PutAsync("crash/history", "v1");
        var compactAt = (await client.PutAsync("crash/history", "v2")).Header.Revision;
        await client.PutAsync("crash/history", "v3");
        await client.CompactAsync(new CompactionRequest { Revision = compactAt });

        var acknowledged = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 10_000; i++)
            {
                var key = $"crash/w{w}/{i:D5}";
                try
                {
                    var response = await client.PutAsync(key, $"value-{i}");
                    acknowledged[key] = response.Header.Revision;
                }
                catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or TaskCanceledException)
                {
                    return;   // the silo died under us: this write was never acknowledged
                }
            }
        })).ToArray();

        while (acknowledged.Count < 400) await Task.Delay(20);
        server.Process.Kill();
        stop.Cancel();
        await Task.WhenAll(writers);

        await server.KillAndRestartAsync();
        using var after = new EtcdClient(server.ClientUrl);

        var all = await after.RangeAsync(new RangeRequest { Key = B("crash/w"), RangeEnd = B("crash/x") });
        var stored = all.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8(), kv => kv.ModRevision);
        foreach (var (key, revision) in acknowledged)
        {
            Assert.True(stored.TryGetValue(key, out var storedRevision), $"acknowledged {key} at revision {revision} is missing after restart");
            Assert.Equal(revision, storedRevision);
        }

        var history = await after.RangeAsync(new RangeRequest { Key = B("crash/history"), Revision = compactAt });
        Assert.Equal("v2", history.Kvs.Single().Value.ToStringUtf8());
        var compacted = await Assert.ThrowsAsync<RpcException>(() =>
            after.RangeAsync(new RangeRequest { Key = B("crash/history"), Revision = compactAt - 1 }));
        Assert.Equal("etcdserver: mvcc: required revision has been compacted", compacted.Status.Detail);

        var next = await after.PutAsync("crash/next", "x");
        Assert.Equal(all.Header.Revision + 1, next.Header.Revision);
    }

    [Fact]
    public async Task CleanRestart_WithoutSnapshot_ReplaysTheLog()
    {
        using var server = await GrainKvServer.StartAsync();
        using var client = new EtcdClient(server.ClientUrl);
        for (var i = 0; i < 20; i++) await client.PutAsync($"replay/{i % 3}", $"v{i}");
        var before = await client.RangeAsync(new RangeRequest { Key = B("replay/"), RangeEnd = B("replay0") });

        await server.KillAndRestartAsync();
        using var after = new EtcdClient(server.ClientUrl);
        var restored = await after.RangeAsync(new RangeRequest { Key = B("replay/"), RangeEnd = B("replay0") });

        Assert.Equal(before.Header.Revision, restored.Header.Revision);
        Assert.Equal(before.Kvs, restored.Kvs);
    }
}
