using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;
using AlarmAction = Etcdserverpb.AlarmRequest.Types.AlarmAction;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// Maintenance.Alarm and the NOSPACE alarm against etcd 3.4 and GrainKv. Each test starts its own pair:
/// an active NOSPACE alarm would refuse the writes of every other test sharing a server.
/// </summary>
public sealed partial class AlarmDifferentialTests
{
    /// <summary>An alarm member id both servers accept; etcd 3.4 does not check that the member exists.</summary>
    private const ulong HandRaisedMember = 1234;

    /// <summary>Small enough that a few hundred 3 kB puts exceed it on both, large enough for a fresh server.</summary>
    private const string QuotaBytes = "200000";

    private const int SnapshotCount = 10;

    private static readonly string Filler = new('x', 3000);

    [Fact]
    public async Task Nospace_FillingTheQuota_RaisesRefusesAndDisarmsAsEtcd()
    {
        var both = await DifferentialFixture.StartAsync("--quota-backend-bytes", QuotaBytes, "--snapshot-count", SnapshotCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var refused = await BothFail(both, null, () => FillUntilRefusedAsync(both.Etcd.Endpoint), () => FillUntilRefusedAsync(both.GrainKv.Endpoint));
            Assert.Equal("Error: etcdserver: mvcc: database space exceeded", refused);

            const string listed = "memberID:<member> alarm:NOSPACE \n";
            Assert.Equal(listed, await Ctl(both, null, "alarm", "list"));
            Assert.Equal(["memberID:<member> alarm:NOSPACE "], await BothStatusErrors(both));
            var grainKvMember = (await StatusAsync(both.GrainKv.Endpoint))["header"]!["member_id"]!.GetValue<ulong>();
            Assert.Contains($"memberID:{grainKvMember} alarm:NOSPACE", (await Infrastructure.Etcdctl.RunAsync(both.GrainKv.Endpoint, null, "alarm", "list")).Stdout);

            Assert.Equal($"fill/0\n{Filler}\n", await Ctl(both, null, "get", "fill/0"));
            Assert.Equal("1\n", await Ctl(both, null, "del", "fill/0"));
            Assert.Equal("Error: failed to grant lease (etcdserver: mvcc: database space exceeded)", await CtlFail(both, null, "lease", "grant", "10"));
            Assert.Equal("Error: etcdserver: mvcc: database space exceeded", await CtlFail(both, "\nput fill/txn x\n\n\n", "txn"));
            Assert.Equal("SUCCESS\n\nfill/1\n" + Filler + "\n", await Ctl(both, "\nget fill/1\n\n\n", "txn"));

            Assert.Equal(listed, await Ctl(both, null, "alarm", "disarm"));
            Assert.Equal("", await Ctl(both, null, "alarm", "list"));
            Assert.Equal("", await Ctl(both, null, "alarm", "disarm"));
            Assert.Empty(await BothStatusErrors(both));

            // Both are still over the quota: the next write is refused and raises the alarm again.
            Assert.Equal("Error: etcdserver: mvcc: database space exceeded", await CtlFail(both, null, "put", "fill/again", "x"));
            Assert.Equal(listed, await Ctl(both, null, "alarm", "list"));

            // Compaction still works; then freeing space lets puts in again after a disarm. GrainKv's filler stays in
            // its Raft log until a snapshot replaces the log (--snapshot-count 10), hence the harmless deletes after the
            // compaction; etcd's backend shrinks on defragment alone. Their sizes differ, so each only has to get under.
            foreach (var endpoint in new[] { both.Etcd.Endpoint, both.GrainKv.Endpoint })
            {
                Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "del", "fill/", "--prefix")).ExitCode);
                var revision = (await StatusAsync(endpoint))["header"]!["revision"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal($"compacted revision {revision}\n", (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "compaction", revision)).Stdout);
                for (var i = 0; i <= SnapshotCount; i++) Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "del", "fill/none")).ExitCode);
                Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "defrag")).ExitCode);
                await WaitUntilUnderQuotaAsync(endpoint);
            }
            Assert.Equal(["memberID:<member> alarm:NOSPACE "], await BothStatusErrors(both));
            Assert.Equal(listed, await Ctl(both, null, "alarm", "disarm"));
            Assert.Equal("OK\n", await Ctl(both, null, "put", "fill/after", "x"));
            foreach (var endpoint in new[] { both.Etcd.Endpoint, both.GrainKv.Endpoint })
            {
                Assert.EndsWith(" granted with TTL(10s)\n", (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "lease", "grant", "10")).Stdout);
            }
            Assert.Equal("", await Ctl(both, null, "alarm", "list"));
        }
        finally
        {
            await both.DisposeAsync();
        }
    }

    [Fact]
    public async Task AlarmRpc_HandRaisedNospace_CapsWritesUntilDeactivated_AsEtcd()
    {
        var both = await DifferentialFixture.StartAsync();
        try
        {
            await both.BothAsync("put before the alarm", c => c.PutAsync("alarm/a", "1"));
            await both.BothAsync("get with no alarm", c => Alarm(c, AlarmAction.Get, 0, AlarmType.None));
            await both.BothAsync("activate", c => Alarm(c, AlarmAction.Activate, HandRaisedMember, AlarmType.Nospace));
            await both.BothAsync("activate again", c => Alarm(c, AlarmAction.Activate, HandRaisedMember, AlarmType.Nospace));
            await both.BothAsync("get all, another member asked", c => Alarm(c, AlarmAction.Get, 999, AlarmType.None));
            await both.BothAsync("get nospace", c => Alarm(c, AlarmAction.Get, 0, AlarmType.Nospace));
            await both.BothAsync("get corrupt", c => Alarm(c, AlarmAction.Get, 0, AlarmType.Corrupt));

            var put = await both.BothAsync("put", c => c.PutAsync("alarm/b", "2"));
            Assert.Equal("error ResourceExhausted: etcdserver: mvcc: database space exceeded", put.Text);
            await both.BothAsync("txn with a put in the branch not taken", c => c.TxnAsync(new TxnRequest
            {
                Failure = { new RequestOp { RequestPut = new PutRequest { Key = B("alarm/c"), Value = B("3") } } },
            }));
            // etcd 3.4's txn cost counts only the txn's own puts: a nested put is not refused.
            await both.BothAsync("txn with a nested put", c => c.TxnAsync(new TxnRequest
            {
                Success = { new RequestOp { RequestTxn = new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = B("alarm/c"), Value = B("3") } } } } } },
            }));
            await both.BothAsync("lease grant", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = 77, TTL = 60 }));
            await both.BothAsync("range", c => c.RangeAsync(new RangeRequest { Key = B("alarm/"), RangeEnd = B("alarm0") }));
            await both.BothAsync("read-only txn", c => c.TxnAsync(new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest { Key = B("alarm/a") } } } }));
            await both.BothAsync("delete", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("alarm/a") }));
            await both.BothAsync("compact", c => c.CompactAsync(new CompactionRequest { Revision = 2 }));
            Assert.Equal(["memberID:1234 alarm:NOSPACE "], (await both.EtcdClient.StatusAsync()).Errors);
            Assert.Equal(["memberID:1234 alarm:NOSPACE "], (await both.GrainKvClient.StatusAsync()).Errors);

            await both.BothAsync("deactivate another member's", c => Alarm(c, AlarmAction.Deactivate, 999, AlarmType.Nospace));
            await both.BothAsync("deactivate", c => Alarm(c, AlarmAction.Deactivate, HandRaisedMember, AlarmType.Nospace));
            await both.BothAsync("deactivate again", c => Alarm(c, AlarmAction.Deactivate, HandRaisedMember, AlarmType.Nospace));
            await both.BothAsync("put after the alarm", c => c.PutAsync("alarm/b", "2"));
            await both.BothAsync("lease grant after the alarm", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = 77, TTL = 60 }));
            await both.BothAsync("get after the alarm", c => Alarm(c, AlarmAction.Get, 0, AlarmType.None));
            Assert.Empty((await both.GrainKvClient.StatusAsync()).Errors);
        }
        finally
        {
            await both.DisposeAsync();
        }
    }

    /// <summary>
    /// A CORRUPT alarm (raised by etcd's corruption check, or by hand) stops every write that goes through the log,
    /// deletes, compaction and lease revokes included, while reads still answer, until it is deactivated.
    /// </summary>
    [Fact]
    public async Task AlarmRpc_HandRaisedCorrupt_RefusesEveryWriteUntilDeactivated_AsEtcd()
    {
        var both = await DifferentialFixture.StartAsync();
        try
        {
            await both.BothAsync("put before the alarm", c => c.PutAsync("corrupt/a", "1"));
            await both.BothAsync("lease before the alarm", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = 78, TTL = 60 }));
            await both.BothAsync("activate", c => Alarm(c, AlarmAction.Activate, HandRaisedMember, AlarmType.Corrupt));

            var put = await both.BothAsync("put", c => c.PutAsync("corrupt/b", "2"));
            Assert.Equal("error DataLoss: etcdserver: corrupt cluster", put.Text);
            await both.BothAsync("delete", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("corrupt/a") }));
            await both.BothAsync("txn with a put", c => c.TxnAsync(new TxnRequest
            {
                Success = { new RequestOp { RequestPut = new PutRequest { Key = B("corrupt/c"), Value = B("3") } } },
            }));
            await both.BothAsync("txn with a delete", c => c.TxnAsync(new TxnRequest
            {
                Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("corrupt/a") } } },
            }));
            await both.BothAsync("compact", c => c.CompactAsync(new CompactionRequest { Revision = 2 }));
            await both.BothAsync("lease grant", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = 79, TTL = 60 }));
            await both.BothAsync("lease revoke", c => c.LeaseRevokeAsync(78));
            await both.BothAsync("range", c => c.RangeAsync(new RangeRequest { Key = B("corrupt/"), RangeEnd = B("corrupt0") }));
            await both.BothAsync("read-only txn", c => c.TxnAsync(new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest { Key = B("corrupt/a") } } } }));
            await both.BothAsync("get the alarms", c => Alarm(c, AlarmAction.Get, 0, AlarmType.None));
            Assert.Equal(["memberID:1234 alarm:CORRUPT "], (await both.EtcdClient.StatusAsync()).Errors);
            Assert.Equal(["memberID:1234 alarm:CORRUPT "], (await both.GrainKvClient.StatusAsync()).Errors);

            await both.BothAsync("deactivate", c => Alarm(c, AlarmAction.Deactivate, HandRaisedMember, AlarmType.Corrupt));
            await both.BothAsync("put after the alarm", c => c.PutAsync("corrupt/b", "2"));
            await both.BothAsync("lease revoke after the alarm", c => c.LeaseRevokeAsync(78));
        }
        finally
        {
            await both.DisposeAsync();
        }
    }

    [Fact]
    public async Task Nospace_SurvivesASiloRestart_ThroughASnapshot()
    {
        using var server = await GrainKvServer.StartAsync("--snapshot-count", "4");
        using (var client = new EtcdClient(server.ClientUrl))
        {
            await client.PutAsync("restart/a", "1");
            await Alarm(client, AlarmAction.Activate, HandRaisedMember, AlarmType.Nospace);
            // Enough entries after the alarm for a snapshot to hold it, and a log tail after that.
            for (var i = 0; i < 10; i++) await client.DeleteRangeAsync(new DeleteRangeRequest { Key = B($"restart/none{i}") });
        }

        await server.KillAndRestartAsync();

        using var after = new EtcdClient(server.ClientUrl);
        var alarms = await Alarm(after, AlarmAction.Get, 0, AlarmType.None);
        Assert.Equal([new AlarmMember { MemberID = HandRaisedMember, Alarm = AlarmType.Nospace }], alarms.Alarms);
        var refused = await Assert.ThrowsAsync<RpcException>(() => after.PutAsync("restart/b", "2"));
        Assert.Equal("etcdserver: mvcc: database space exceeded", refused.Status.Detail);
        await Alarm(after, AlarmAction.Deactivate, HandRaisedMember, AlarmType.Nospace);
        await after.PutAsync("restart/b", "2");
    }

    private static Task<AlarmResponse> Alarm(EtcdClient client, AlarmAction action, ulong memberId, AlarmType type) =>
        client.AlarmAsync(new AlarmRequest { Action = action, MemberID = memberId, Alarm = type });

    /// <summary>Puts 3 kB values until the server refuses one (bounded), and returns the refusal.</summary>
    private static async Task<Infrastructure.Etcdctl.Result> FillUntilRefusedAsync(string endpoint)
    {
        for (var i = 0; i < 500; i++)
        {
            var put = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "put", $"fill/{i}", Filler);
            if (put.ExitCode != 0) return put;
        }
        throw new InvalidOperationException($"{endpoint} took 500 puts of 3 kB under a {QuotaBytes}-byte quota");
    }

    /// <summary>Runs etcdctl on etcd, then GrainKv; both must succeed and print the same, member ids aside.</summary>
    private static async Task<string> Ctl(DifferentialFixture both, string? stdin, params string[] arguments)
    {
        var expected = await Infrastructure.Etcdctl.RunAsync(both.Etcd.Endpoint, stdin, arguments);
        var actual = await Infrastructure.Etcdctl.RunAsync(both.GrainKv.Endpoint, stdin, arguments);
        var what = $"etcdctl {string.Join(' ', arguments)}";
        Assert.True(expected.ExitCode == 0, $"{what} failed on etcd: {expected.Stderr}");
        Assert.True(actual.ExitCode == 0, $"{what} failed on GrainKv: {actual.Stderr}");
        Assert.Equal(WithoutMemberIds(expected.Stdout), WithoutMemberIds(actual.Stdout));
        return WithoutMemberIds(expected.Stdout);
    }

    /// <summary>Runs etcdctl on etcd, then GrainKv; both must fail with the same last line of stderr (the error).</summary>
    private static Task<string> CtlFail(DifferentialFixture both, string? stdin, params string[] arguments) =>
        BothFail(both, string.Join(' ', arguments),
            () => Infrastructure.Etcdctl.RunAsync(both.Etcd.Endpoint, stdin, arguments),
            () => Infrastructure.Etcdctl.RunAsync(both.GrainKv.Endpoint, stdin, arguments));

    private static async Task<string> BothFail(DifferentialFixture both, string? what,
        Func<Task<Infrastructure.Etcdctl.Result>> onEtcd, Func<Task<Infrastructure.Etcdctl.Result>> onGrainKv)
    {
        var expected = await onEtcd();
        var actual = await onGrainKv();
        Assert.True(expected.ExitCode != 0, $"etcdctl {what} succeeded on etcd: {expected.Stdout}");
        Assert.True(actual.ExitCode != 0, $"etcdctl {what} succeeded on GrainKv: {actual.Stdout}");
        Assert.Equal(LastLine(expected.Stderr), LastLine(actual.Stderr));
        Assert.Contains("code = ResourceExhausted", actual.Stderr);
        return LastLine(expected.Stderr);
    }

    /// <summary>`etcdctl endpoint status -w json` errors of both, which must be the same, member ids aside.</summary>
    private static async Task<string[]> BothStatusErrors(DifferentialFixture both)
    {
        var expected = await StatusErrors(both.Etcd.Endpoint);
        Assert.Equal(expected, await StatusErrors(both.GrainKv.Endpoint));
        return expected;
    }

    private static async Task<string[]> StatusErrors(string endpoint)
    {
        var errors = (await StatusAsync(endpoint))["errors"]?.AsArray() ?? [];
        return errors.Select(e => WithoutMemberIds(e!.GetValue<string>())).ToArray();
    }

    /// <summary>The Status of `etcdctl endpoint status -w json`.</summary>
    private static async Task<JsonNode> StatusAsync(string endpoint)
    {
        var status = await Infrastructure.Etcdctl.RunAsync(endpoint, null, "-w", "json", "endpoint", "status");
        Assert.True(status.ExitCode == 0, status.Stderr);
        return JsonNode.Parse(status.Stdout)![0]!["Status"]!;
    }

    /// <summary>GrainKv measures its data dir at most once a second, so its dbSize lags a defragment.</summary>
    private static async Task WaitUntilUnderQuotaAsync(string endpoint)
    {
        var quota = long.Parse(QuotaBytes, System.Globalization.CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if ((await StatusAsync(endpoint))["dbSize"]!.GetValue<long>() < quota) return;
            await Task.Delay(200);
        }
        Assert.Fail($"{endpoint} is still over its {QuotaBytes}-byte quota after delete, compaction and defragment");
    }

    private static string LastLine(string text) => text.TrimEnd('\n').Split('\n')[^1];

    private static string WithoutMemberIds(string text) => MemberId().Replace(text, "memberID:<member>");

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [GeneratedRegex(@"memberID:\d+")]
    private static partial Regex MemberId();
}
