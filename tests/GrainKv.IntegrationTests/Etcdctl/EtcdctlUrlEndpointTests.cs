using System.Text.Json.Nodes;
using Etcdserverpb;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Etcdctl;

/// <summary>
/// etcdctl 3.4 given an http:// endpoint: endpoint status and hashkv dial it as "passthrough:///http://…", so grpc-go
/// sends the whole URL as :authority, which Kestrel refuses unless GrainKv rewrites it to host and port.
/// </summary>
public sealed class EtcdctlUrlEndpointTests
{
    [Fact]
    public async Task EndpointStatusAndHashKv_OnAnHttpUrl_AnswerWhatTheServerReports()
    {
        using var server = await GrainKvServer.StartAsync();
        using var client = new EtcdClient(server.ClientUrl);
        await client.PutAsync("url-endpoint/a", "1");
        await client.PutAsync("url-endpoint/b", "2");
        string url = $"http://{server.Endpoint}";

        var status = await Infrastructure.Etcdctl.RunAsync(url, null, "-w", "json", "endpoint", "status");
        var hashKv = await Infrastructure.Etcdctl.RunAsync(url, null, "-w", "json", "endpoint", "hashkv");
        var clusterStatus = await Infrastructure.Etcdctl.RunAsync(url, null, "-w", "json", "endpoint", "status", "--cluster");
        StatusResponse expectedStatus = await client.StatusAsync();
        HashKVResponse expectedHash = await client.HashKvAsync();

        JsonNode statusEntry = SingleEntry(status, "endpoint status");
        Assert.Equal(url, statusEntry["Endpoint"]!.GetValue<string>());
        Assert.Equal(expectedStatus.Header.MemberId, statusEntry["Status"]!["header"]!["member_id"]!.GetValue<ulong>());
        Assert.Equal(expectedStatus.Header.Revision, statusEntry["Status"]!["header"]!["revision"]!.GetValue<long>());
        Assert.Equal(expectedStatus.Leader, statusEntry["Status"]!["leader"]!.GetValue<ulong>());

        JsonNode hashEntry = SingleEntry(hashKv, "endpoint hashkv");
        Assert.Equal(url, hashEntry["Endpoint"]!.GetValue<string>());
        Assert.Equal(expectedHash.Header.MemberId, hashEntry["HashKV"]!["header"]!["member_id"]!.GetValue<ulong>());
        Assert.Equal(expectedHash.Header.Revision, hashEntry["HashKV"]!["header"]!["revision"]!.GetValue<long>());
        Assert.Equal(expectedHash.Hash, hashEntry["HashKV"]!["hash"]!.GetValue<uint>());

        // --cluster asks member list for the client URLs, then dials each the same way.
        JsonNode memberEntry = SingleEntry(clusterStatus, "endpoint status --cluster");
        Assert.Equal(server.ClientUrl.ToString().TrimEnd('/'), memberEntry["Endpoint"]!.GetValue<string>());
        Assert.Equal(expectedStatus.Header.MemberId, memberEntry["Status"]!["header"]!["member_id"]!.GetValue<ulong>());
    }

    private static JsonNode SingleEntry(Infrastructure.Etcdctl.Result result, string command)
    {
        Assert.True(result.ExitCode == 0, $"etcdctl {command} failed: {result.Stderr}");
        return Assert.Single(JsonNode.Parse(result.Stdout)!.AsArray())!;
    }
}
