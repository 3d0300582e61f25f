// GrainKv from an Orleans application in one page: join the silos as an Orleans client, call a shard's front door,
// then put/get/txn, watch and keep a lease alive through GrainKv's grain API (IKeyValueGrain).
//
//   dotnet run --project tools/GrainKv.ClientSample -- orleans 127.0.0.1:30000,127.0.0.1:30001 [cluster]
//   dotnet run --project tools/GrainKv.ClientSample -- membership "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres" etcd-cluster
//
// "orleans" takes the silos' Orleans gateway endpoints (--orleans-gateway-port) and their cluster (--initial-cluster-token,
// etcd-cluster unless given); "membership" the PostgreSQL server of their --membership-connection.

using System.Net;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains;
using GrainKv.Orleans;
using GrainKv.Orleans.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleansClient(orleans => _ = args switch
{
    ["orleans", var gateways, .. var rest] => orleans.UseGrainKvCluster(rest is [var cluster] ? cluster : "etcd-cluster")
        .UseStaticClustering(gateways.Split(',').Select(IPEndPoint.Parse).ToArray()),
    ["membership", var connectionString, var cluster] => orleans.UseGrainKvCluster(cluster).UsePostgresClustering(connectionString),
    _ => throw new ArgumentException("usage: orleans <host:port,...> [cluster] | membership <connection string> <cluster>"),
});
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IClusterClient>();

// A shard's front door reports its Raft group.
var status = await grains.GetGrain<IRaftGroupGrain>(1).GetStatus();
Console.WriteLine($"shard 1: leader {status.LeaderId:x16}, term {status.Term}, revision {status.Revision}");

// Keys and values, with etcd's requests and answers.
var kv = grains.GetGrain<IKeyValueGrain>(Guid.NewGuid());
var greeting = ByteString.CopyFromUtf8("sample/greeting");
var revision = (await kv.Put(new PutRequest { Key = greeting, Value = ByteString.CopyFromUtf8("hello") })).Header.Revision;
Console.WriteLine($"put sample/greeting at revision {revision}");
Console.WriteLine($"get sample/greeting = {(await kv.Range(new RangeRequest { Key = greeting })).Kvs[0].Value.ToStringUtf8()}");
var swapped = await kv.Txn(new TxnRequest
{
    Compare = { new Compare { Key = greeting, Target = Compare.Types.CompareTarget.Value, Value = ByteString.CopyFromUtf8("hello") } },
    Success = { new RequestOp { RequestPut = new PutRequest { Key = greeting, Value = ByteString.CopyFromUtf8("hello again") } } },
});
Console.WriteLine($"txn: compare-and-swap {(swapped.Succeeded ? "succeeded" : "failed")}");

// A watch is an async stream of etcd's watch responses, replayed from a revision.
var watch = Task.Run(async () =>
{
    var prefix = ByteString.CopyFromUtf8("sample/");
    await foreach (var response in kv.Watch(new WatchCreateRequest { Key = prefix, RangeEnd = ByteString.CopyFromUtf8("sample0"), StartRevision = revision }))
    {
        foreach (var e in response.Events)
        {
            Console.WriteLine($"watch: {e.Type} {e.Kv.Key.ToStringUtf8()} = {e.Kv.Value.ToStringUtf8()} (revision {e.Kv.ModRevision})");
            if (e.Type == Mvccpb.Event.Types.EventType.Delete && e.Kv.Key == greeting) return;
        }
    }
});

// A lease lives while it is kept alive; revoking it deletes its keys.
var lease = await kv.LeaseGrant(new LeaseGrantRequest { TTL = 5 });
await kv.Put(new PutRequest { Key = ByteString.CopyFromUtf8("sample/session"), Value = ByteString.CopyFromUtf8("alive"), Lease = lease.ID });
var keepAlives = 0;
for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(6); elapsed += TimeSpan.FromSeconds(2))
{
    await Task.Delay(TimeSpan.FromSeconds(2));
    if ((await kv.LeaseKeepAlive(new LeaseKeepAliveRequest { ID = lease.ID })).TTL > 0) keepAlives++;
}
var ttl = (await kv.LeaseTimeToLive(new LeaseTimeToLiveRequest { ID = lease.ID })).TTL;
Console.WriteLine($"lease {lease.ID:x}: {keepAlives} keep-alives, {(ttl > 0 ? "held" : "lost")}, {ttl} s to live");
await kv.LeaseRevoke(new LeaseRevokeRequest { ID = lease.ID });
await kv.DeleteRange(new DeleteRangeRequest { Key = greeting });
await watch.WaitAsync(TimeSpan.FromSeconds(10));

// etcd's refusals arrive typed.
try
{
    await kv.Put(new PutRequest());
}
catch (EtcdException refused)
{
    Console.WriteLine($"empty key refused: {refused.StatusCode} {refused.Message}");
}
await host.StopAsync();
