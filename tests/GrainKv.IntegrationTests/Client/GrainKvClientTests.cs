using GrainKv.Client;
using GrainKv.IntegrationTests.Infrastructure;
using Mvccpb;

namespace GrainKv.IntegrationTests.Client;

/// <summary>
/// GrainKv's .NET etcd client against three silo processes, connected to the silos' client URLs and to a
/// stand-alone gateway: a KV round trip with a txn, a watch as an async stream, and a lease kept alive past its TTL.
/// </summary>
public sealed class GrainKvClientTests(ClusterWithGateway fixture) : IClassFixture<ClusterWithGateway>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConnectedToSilos_KvWatchAndLease()
    {
        await using var client = GrainKvClient.Connect(fixture.Cluster.Members.Select(m => m.Endpoint));

        await ExerciseAsync(client, "direct/");
    }

    [Fact]
    public async Task ConnectedToGateway_KvWatchAndLease()
    {
        await using var client = GrainKvClient.Connect([fixture.Gateway.Endpoint]);

        await ExerciseAsync(client, "gateway/");
    }

    private async Task ExerciseAsync(GrainKvClient client, string prefix)
    {
        using var patience = new CancellationTokenSource(Patience);
        var ct = patience.Token;

        var created = await client.PutAsync(prefix + "a", "1", ct: ct);
        Assert.Equal("1", (await client.GetAsync(prefix + "a", ct))!.Value.ToStringUtf8());
        var swapped = await client.TxnAsync(new Etcdserverpb.TxnRequest
        {
            Compare = { new Etcdserverpb.Compare { Key = B(prefix + "a"), Target = Etcdserverpb.Compare.Types.CompareTarget.Value, Value = B("1") } },
            Success = { new Etcdserverpb.RequestOp { RequestPut = new Etcdserverpb.PutRequest { Key = B(prefix + "a"), Value = B("2") } } },
        }, ct);
        Assert.True(swapped.Succeeded);
        await client.PutAsync(prefix + "b", "3", ct: ct);
        Assert.Equal(["2", "3"], (await client.GetPrefixAsync(prefix, ct)).Select(kv => kv.Value.ToStringUtf8()));
        Assert.Equal(1, await client.DeleteAsync(prefix + "a", ct));
        Assert.Null(await client.GetAsync(prefix + "a", ct));

        var events = new List<Event>();
        await foreach (var e in client.WatchAsync(prefix, prefix: true, fromRevision: created, ct))
        {
            events.Add(e);
            if (events.Count == 4) break;
        }
        Assert.Equal(
            [(Event.Types.EventType.Put, "a", "1"), (Event.Types.EventType.Put, "a", "2"), (Event.Types.EventType.Put, "b", "3"), (Event.Types.EventType.Delete, "a", "")],
            events.Select(e => (e.Type, e.Kv.Key.ToStringUtf8()[prefix.Length..], e.Kv.Value.ToStringUtf8())));

        await using (var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(2), ct))
        {
            await client.PutAsync(prefix + "leased", "v", lease.Id, ct);
            // Four answered keep-alives, a third of the TTL apart, outlast the TTL itself.
            while (lease.KeepAlives < 4 && !lease.Lost.IsCancellationRequested) await Task.Delay(50, ct);
            Assert.False(lease.Lost.IsCancellationRequested);
            Assert.NotNull(await client.GetAsync(prefix + "leased", ct));
            Assert.True(await client.LeaseTimeToLiveAsync(lease.Id, ct) > 0);
        }
        // Disposing the lease revokes it, and its key with it.
        Assert.Null(await client.GetAsync(prefix + "leased", ct));
    }

    private static Google.Protobuf.ByteString B(string text) => Google.Protobuf.ByteString.CopyFromUtf8(text);
}
