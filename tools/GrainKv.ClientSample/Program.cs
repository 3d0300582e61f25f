// GrainKv's .NET client in one page: connect, call a grain, put/get/txn, watch, keep a lease alive.
//
//   dotnet run --project tools/GrainKv.ClientSample -- gateway 127.0.0.1:23790
//   dotnet run --project tools/GrainKv.ClientSample -- silos infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380
//   dotnet run --project tools/GrainKv.ClientSample -- membership "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres" etcd-cluster

using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Client;
using GrainKv.Grains;

await using var client = args switch
{
    ["gateway", var gateways] => GrainKvClient.ConnectToGateways(gateways.Split(',')),
    ["silos", var initialCluster] => GrainKvClient.ConnectToSilos(initialCluster),
    ["membership", var connectionString, var cluster] => await GrainKvClient.ConnectToMembershipTableAsync(connectionString, cluster),
    _ => throw new ArgumentException("usage: gateway <host:port,...> | silos <name=peer-url,...> | membership <connection string> <cluster>"),
};

// A typed grain call: shard 1's front door reports its Raft group.
var status = await client.Grains.GetGrain<IRaftGroupGrain>(1).GetStatus();
Console.WriteLine($"shard 1: leader {status.LeaderId:x16}, term {status.Term}, revision {status.Revision}");

// Keys and values.
var revision = await client.PutAsync("sample/greeting", "hello");
Console.WriteLine($"put sample/greeting at revision {revision}");
Console.WriteLine($"get sample/greeting = {(await client.GetAsync("sample/greeting"))?.Value.ToStringUtf8()}");
var swapped = await client.TxnAsync(new TxnRequest
{
    Compare = { new Compare { Key = ByteString.CopyFromUtf8("sample/greeting"), Target = Compare.Types.CompareTarget.Value, Value = ByteString.CopyFromUtf8("hello") } },
    Success = { new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8("sample/greeting"), Value = ByteString.CopyFromUtf8("hello again") } } },
});
Console.WriteLine($"txn: compare-and-swap {(swapped.Succeeded ? "succeeded" : "failed")}");

// A watch is an async stream of events; it survives the loss of the silo or gateway it reads from.
using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(10));
var watch = Task.Run(async () =>
{
    await foreach (var e in client.WatchAsync("sample/", prefix: true, fromRevision: revision, watching.Token))
    {
        Console.WriteLine($"watch: {e.Type} {e.Kv.Key.ToStringUtf8()} = {e.Kv.Value.ToStringUtf8()} (revision {e.Kv.ModRevision})");
        if (e.Type == Mvccpb.Event.Types.EventType.Delete && e.Kv.Key.ToStringUtf8() == "sample/greeting") return;
    }
});

// A lease is kept alive in the background until disposed, which revokes it and deletes its keys.
await using (var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(5)))
{
    await client.PutAsync("sample/session", "alive", lease.Id);
    await Task.Delay(TimeSpan.FromSeconds(6));
    Console.WriteLine($"lease {lease.Id:x}: {lease.KeepAlives} keep-alives, {(lease.Lost.IsCancellationRequested ? "lost" : "held")}, " +
        $"{await client.LeaseTimeToLiveAsync(lease.Id)} s to live");
}
await client.DeleteAsync("sample/greeting");
await watch;
