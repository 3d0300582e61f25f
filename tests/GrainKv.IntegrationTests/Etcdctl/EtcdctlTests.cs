using GrainKv.IntegrationTests.Differential;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Etcdctl;

/// <summary>
/// etcdctl 3.4 as a real client: each command runs against etcd and against GrainKv, and the
/// JSON it prints (ids and terms aside) must be the same.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class EtcdctlTests
{
    private readonly DifferentialFixture _both;

    public EtcdctlTests(DifferentialFixture both)
    {
        _both = both;
    }

    private async Task<string> Both(string? stdin, params string[] arguments)
    {
        var expected = await Infrastructure.Etcdctl.RunAsync(_both.Etcd.Endpoint, stdin, ["-w", "json", .. arguments]);
        var actual = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, stdin, ["-w", "json", .. arguments]);
        var what = $"etcdctl {string.Join(' ', arguments)}";
        Assert.True(expected.ExitCode == 0, $"{what} failed on etcd: {expected.Stderr}");
        Assert.True(actual.ExitCode == 0, $"{what} failed on GrainKv: {actual.Stderr}");
        Assert.Equal(expected.NormalizedJson(), actual.NormalizedJson());
        return expected.Stdout;
    }

    [Fact]
    public async Task PutGetDel_PrintTheSameJsonAsEtcd()
    {
        await Both(null, "put", "ctl/a", "1");
        await Both(null, "put", "ctl/b", "2");
        await Both(null, "put", "ctl/a", "3", "--prev-kv");
        await Both(null, "get", "ctl/a");
        await Both(null, "get", "ctl/", "--prefix");
        await Both(null, "get", "ctl/", "--prefix", "--keys-only");
        await Both(null, "get", "ctl/", "--prefix", "--limit", "1", "--order", "DESCEND", "--sort-by", "MODIFY");
        await Both(null, "get", "ctl/a", "--consistency", "s");
        await Both(null, "get", "ctl/", "--from-key", "--keys-only");
        await Both(null, "del", "ctl/", "--prefix", "--prev-kv");
        await Both(null, "get", "ctl/", "--prefix");
    }

    [Fact]
    public async Task GetAtRevisionAndCompaction_PrintTheSameJsonAsEtcd()
    {
        await Both(null, "put", "ctlrev/a", "1");
        var put = await Both(null, "put", "ctlrev/a", "2");
        var revision = System.Text.Json.Nodes.JsonNode.Parse(put)!["header"]!["revision"]!.GetValue<long>();
        await Both(null, "get", "ctlrev/a", "--rev", (revision - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var compactedOnEtcd = await Infrastructure.Etcdctl.RunAsync(_both.Etcd.Endpoint, null, "compaction", (revision - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--physical");
        var compactedOnGrainKv = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "compaction", (revision - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--physical");
        Assert.Equal(compactedOnEtcd.Stdout, compactedOnGrainKv.Stdout);
        Assert.Equal($"compacted revision {revision - 1}\n", compactedOnGrainKv.Stdout);

        var expected = await Infrastructure.Etcdctl.RunAsync(_both.Etcd.Endpoint, null, "get", "ctlrev/a", "--rev", (revision - 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var actual = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "get", "ctlrev/a", "--rev", (revision - 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual(0, actual.ExitCode);
        Assert.Contains("required revision has been compacted", actual.Stderr);
        Assert.Equal(expected.ExitCode, actual.ExitCode);
    }

    [Fact]
    public async Task Txn_FromStdin_PrintsTheSameJsonAsEtcd()
    {
        await Both(null, "put", "ctltxn/a", "1");
        const string script = "value(\"ctltxn/a\") = \"1\"\n\nput ctltxn/b \"then\"\nget ctltxn/a\n\nput ctltxn/c \"else\"\n\n";
        await Both(script, "txn");
        await Both(script, "txn");
        await Both(null, "get", "ctltxn/", "--prefix");
    }

    [Fact]
    public async Task EndpointStatusAndMemberList_DescribeOneLeaderMember()
    {
        var status = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "-w", "json", "endpoint", "status");
        Assert.True(status.ExitCode == 0, status.Stderr);
        var entry = System.Text.Json.Nodes.JsonNode.Parse(status.Stdout)!.AsArray()[0]!["Status"]!;
        Assert.Equal(entry["header"]!["member_id"]!.GetValue<ulong>(), entry["leader"]!.GetValue<ulong>());
        Assert.StartsWith("3.4.", entry["version"]!.GetValue<string>());
        Assert.True(entry["raftIndex"]!.GetValue<ulong>() >= entry["raftAppliedIndex"]!.GetValue<ulong>() - 0);
        Assert.True(entry["raftAppliedIndex"]!.GetValue<ulong>() > 0);

        var members = await Infrastructure.Etcdctl.RunAsync(_both.GrainKv.Endpoint, null, "-w", "json", "member", "list");
        Assert.True(members.ExitCode == 0, members.Stderr);
        var list = System.Text.Json.Nodes.JsonNode.Parse(members.Stdout)!["members"]!.AsArray();
        Assert.Single(list);
        Assert.Equal("grainkv", list[0]!["name"]!.GetValue<string>());
        Assert.Contains(_both.GrainKv.ClientUrl.ToString().TrimEnd('/'), list[0]!["clientURLs"]!.AsArray().Select(u => u!.GetValue<string>()));
    }
}
