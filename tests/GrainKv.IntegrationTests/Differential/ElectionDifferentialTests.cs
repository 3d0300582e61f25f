using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using V3Electionpb;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// v3electionpb.Election against etcd 3.4 and GrainKv: each scenario runs on etcd, then on GrainKv, and
/// both must tell the same story — campaigns, leaders, proclamations, what Observe streams, and errors.
/// Candidates use leases with fixed ids, so keys and revisions are the same on both.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ElectionDifferentialTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly DifferentialFixture _both;

    public ElectionDifferentialTests(DifferentialFixture both)
    {
        _both = both;
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private static CampaignRequest Campaign(string name, long lease, string value) => new() { Name = B(name), Lease = lease, Value = B(value) };

    private static async Task GrantAsync(EtcdClient client, Transcript transcript, params long[] leases)
    {
        foreach (var lease in leases) await transcript.ExpectAsync($"grant {lease:x}", client.LeaseGrantAsync(new LeaseGrantRequest { ID = lease, TTL = 60 }));
    }

    private static async Task RevokeAsync(EtcdClient client, Transcript transcript, params long[] leases)
    {
        foreach (var lease in leases) await transcript.RecordAsync($"revoke {lease:x}", client.LeaseRevokeAsync(lease));
    }

    private static async Task ObservedAsync(Transcript transcript, string what, ObserveSession observer, int count)
    {
        foreach (var response in await observer.NextAsync(count, Patience)) transcript.Note($"{what}: {Outcome.Normalize(response)}");
    }

    [Fact]
    public Task CampaignProclaimObserveResign_NextCandidateWins() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long alice = 0x20a1, bob = 0x20a2;
        await GrantAsync(c, t, alice, bob);
        await using var observer = new ObserveSession(c, B("el-seq"));
        var leading = (await t.ExpectAsync("alice campaigns", c.CampaignAsync(Campaign("el-seq", alice, "a1")))).Leader;
        await ObservedAsync(t, "observed the first leader", observer, 1);
        var bobWaits = c.CampaignAsync(Campaign("el-seq", bob, "b1"));
        await KeyPolling.WaitForKeyCountAsync(c, "el-seq/", 2);
        t.Note($"bob waits while alice leads: {!bobWaits.IsCompleted}");
        await t.RecordAsync("leader", c.LeaderAsync(B("el-seq")));

        await t.RecordAsync("alice proclaims", c.ProclaimAsync(new ProclaimRequest { Leader = leading, Value = B("a2") }));
        await ObservedAsync(t, "observed the proclamation", observer, 1);
        await t.RecordAsync("alice resigns", c.ResignAsync(new ResignRequest { Leader = leading }));
        var bobLeads = (await t.ExpectAsync("bob is elected, with his campaign's header", bobWaits.WaitAsync(Patience))).Leader;
        await ObservedAsync(t, "observed the next leader", observer, 1);
        await t.RecordAsync("leader after the resignation", c.LeaderAsync(B("el-seq")));
        await t.RecordAsync("bob proclaims", c.ProclaimAsync(new ProclaimRequest { Leader = bobLeads, Value = B("b2") }));
        await ObservedAsync(t, "observed bob's proclamation", observer, 1);

        await t.RecordAsync("alice proclaims after resigning", c.ProclaimAsync(new ProclaimRequest { Leader = leading, Value = B("a3") }));
        await t.RecordAsync("alice resigns again", c.ResignAsync(new ResignRequest { Leader = leading }));
        await t.RecordAsync("bob still leads", c.LeaderAsync(B("el-seq")));
        await RevokeAsync(c, t, alice, bob);
    });

    [Fact]
    public Task ObserveJoiningLate_StartsFromTheCurrentLeaderAndFollowsLeaseRevokes() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long alice = 0x20b1, bob = 0x20b2;
        await GrantAsync(c, t, alice, bob);
        var leading = (await t.ExpectAsync("alice campaigns", c.CampaignAsync(Campaign("el-late", alice, "a1")))).Leader;
        await t.RecordAsync("alice proclaims", c.ProclaimAsync(new ProclaimRequest { Leader = leading, Value = B("a2") }));
        var bobWaits = c.CampaignAsync(Campaign("el-late", bob, "b1"));
        await KeyPolling.WaitForKeyCountAsync(c, "el-late/", 2);
        await using var observer = new ObserveSession(c, B("el-late"));
        await ObservedAsync(t, "observed the current leader", observer, 1);
        await RevokeAsync(c, t, alice);
        await t.ExpectAsync("bob is elected", bobWaits.WaitAsync(Patience));
        await ObservedAsync(t, "observed the next leader", observer, 1);
        await RevokeAsync(c, t, bob);
    });

    [Fact]
    public Task CampaignAgainWithTheSameLease_ProclaimsTheNewValue() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long alice = 0x20c1;
        await GrantAsync(c, t, alice);
        await t.RecordAsync("alice campaigns", c.CampaignAsync(Campaign("el-again", alice, "a1")));
        await t.RecordAsync("alice campaigns again with the same value", c.CampaignAsync(Campaign("el-again", alice, "a1")));
        await t.RecordAsync("alice campaigns again with another value", c.CampaignAsync(Campaign("el-again", alice, "a2")));
        await t.RecordAsync("leader", c.LeaderAsync(B("el-again")));
        await RevokeAsync(c, t, alice);
    });

    [Fact]
    public Task CanceledCampaign_ResignsItsKey() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long alice = 0x20d1, bob = 0x20d2;
        await GrantAsync(c, t, alice, bob);
        await t.ExpectAsync("alice campaigns", c.CampaignAsync(Campaign("el-cancel", alice, "a1")));
        using var giveUp = new CancellationTokenSource();
        var bobWaits = c.CampaignAsync(Campaign("el-cancel", bob, "b1"), giveUp.Token);
        await KeyPolling.WaitForKeyCountAsync(c, "el-cancel/", 2);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bobWaits.WaitAsync(Patience));
        await KeyPolling.WaitForKeyCountAsync(c, "el-cancel/", 1);
        await t.RecordAsync("only alice's key is left", c.RangeAsync(new RangeRequest { Key = B("el-cancel/"), RangeEnd = B("el-cancel0") }));
        await RevokeAsync(c, t, alice, bob);
    });

    [Fact]
    public Task Errors_MatchEtcd() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        await t.RecordAsync("leader with nobody campaigning", c.LeaderAsync(B("el-nobody")));
        await t.RecordAsync("proclaim without a leader", c.ProclaimAsync(new ProclaimRequest { Value = B("v") }));
        await t.RecordAsync("resign without a leader", c.ResignAsync(new ResignRequest()));
        await t.RecordAsync("campaign with an unknown lease", c.CampaignAsync(Campaign("el-nobody", 0x2bad, "v")));
        await t.RecordAsync("proclaim as a leader that never was", c.ProclaimAsync(new ProclaimRequest
        {
            Leader = new LeaderKey { Name = B("el-nobody"), Key = B("el-nobody/2bad"), Rev = 1, Lease = 0x2bad },
            Value = B("v"),
        }));
        await t.RecordAsync("resign as a leader that never was", c.ResignAsync(new ResignRequest
        {
            Leader = new LeaderKey { Name = B("el-nobody"), Key = B("el-nobody/2bad"), Rev = 1, Lease = 0x2bad },
        }));
        await t.RecordAsync("proclaim with an empty leader key", c.ProclaimAsync(new ProclaimRequest { Leader = new LeaderKey { Lease = 0x2bad } }));
        await t.RecordAsync("nothing was written", c.RangeAsync(new RangeRequest { Key = B("el-nobody/"), RangeEnd = B("el-nobody0") }));
    });

    [Fact]
    public Task ResignWithoutLease_GrantsAnUnusedSixtySecondLease() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        var before = (await c.LeaseLeasesAsync()).Leases.Select(l => l.ID).ToHashSet();
        await t.RecordAsync("resign a leadership that never was, without a lease", c.ResignAsync(new ResignRequest
        {
            Leader = new LeaderKey { Name = B("el-fresh"), Key = B("el-fresh/1"), Rev = 1 },
        }));
        var granted = (await c.LeaseLeasesAsync()).Leases.Select(l => l.ID).Where(id => !before.Contains(id)).ToList();
        t.Note($"new leases: {granted.Count}");
        foreach (var lease in granted)
        {
            var ttl = await c.LeaseTimeToLiveAsync(lease, keys: true);
            t.Note($"granted {ttl.GrantedTTL} s, {ttl.Keys.Count} keys");
            await c.LeaseRevokeAsync(lease);
        }
    });
}
