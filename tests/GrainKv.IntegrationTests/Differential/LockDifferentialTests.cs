using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using V3Lockpb;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// v3lockpb.Lock against etcd 3.4 and GrainKv: each scenario runs on etcd, then on GrainKv, and both must
/// tell the same story — who gets the lock when, with which header revision, and which errors.
/// Contenders use leases with fixed ids, so keys and revisions are the same on both.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class LockDifferentialTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly DifferentialFixture _both;

    public LockDifferentialTests(DifferentialFixture both)
    {
        _both = both;
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private static LockRequest Lock(string name, long lease) => new() { Name = B(name), Lease = lease };

    private static async Task GrantAsync(EtcdClient client, Transcript transcript, params long[] leases)
    {
        foreach (var lease in leases) await transcript.ExpectAsync($"grant {lease:x}", client.LeaseGrantAsync(new LeaseGrantRequest { ID = lease, TTL = 60 }));
    }

    private static async Task RevokeAsync(EtcdClient client, Transcript transcript, params long[] leases)
    {
        foreach (var lease in leases) await transcript.RecordAsync($"revoke {lease:x}", client.LeaseRevokeAsync(lease));
    }

    [Fact]
    public Task SecondContender_WaitsUntilTheFirstUnlocks() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long first = 0x10c1, second = 0x10c2;
        await GrantAsync(c, t, first, second);
        var held = await t.ExpectAsync("first locks", c.LockAsync(Lock("lk-unlock", first)));
        var waiting = c.LockAsync(Lock("lk-unlock", second));
        await KeyPolling.WaitForKeyCountAsync(c, "lk-unlock/", 2);
        t.Note($"second waits while the first holds: {!waiting.IsCompleted}");
        await t.ExpectAsync("first unlocks", c.UnlockAsync(held.Key));
        var acquired = await t.ExpectAsync("second holds the lock from the unlock's revision", waiting.WaitAsync(Patience));
        await t.RecordAsync("locking again with the holder's lease answers at once", c.LockAsync(Lock("lk-unlock", second)));
        await t.RecordAsync("second unlocks", c.UnlockAsync(acquired.Key));
        await RevokeAsync(c, t, first, second);
    });

    [Fact]
    public Task SecondContender_WaitsUntilTheFirstLeaseIsRevoked() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long first = 0x10d1, second = 0x10d2;
        await GrantAsync(c, t, first, second);
        await t.ExpectAsync("first locks", c.LockAsync(Lock("lk-revoke", first)));
        var waiting = c.LockAsync(Lock("lk-revoke", second));
        await KeyPolling.WaitForKeyCountAsync(c, "lk-revoke/", 2);
        t.Note($"second waits while the first holds: {!waiting.IsCompleted}");
        await RevokeAsync(c, t, first);
        await t.RecordAsync("second holds the lock from the revoke's revision", waiting.WaitAsync(Patience));
        await RevokeAsync(c, t, second);
    });

    [Fact]
    public Task ThreeContenders_AcquireInCreateRevisionOrder() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long a = 0x10e1, b = 0x10e2, third = 0x10e3;
        await GrantAsync(c, t, a, b, third);
        var held = await t.ExpectAsync("a locks", c.LockAsync(Lock("lk-three", a)));
        var bWaits = c.LockAsync(Lock("lk-three", b));
        await KeyPolling.WaitForKeyCountAsync(c, "lk-three/", 2);
        var cWaits = c.LockAsync(Lock("lk-three", third));
        await KeyPolling.WaitForKeyCountAsync(c, "lk-three/", 3);
        t.Note($"b and c wait while a holds: {!bWaits.IsCompleted && !cWaits.IsCompleted}");

        await t.ExpectAsync("a unlocks", c.UnlockAsync(held.Key));
        held = await t.ExpectAsync("b holds the lock", bWaits.WaitAsync(Patience));
        t.Note($"c waits while b holds: {!cWaits.IsCompleted}");
        await t.ExpectAsync("b unlocks", c.UnlockAsync(held.Key));
        held = await t.ExpectAsync("c holds the lock", cWaits.WaitAsync(Patience));
        await t.ExpectAsync("c unlocks", c.UnlockAsync(held.Key));
        await RevokeAsync(c, t, a, b, third);
    });

    [Fact]
    public Task CanceledWaiter_RemovesItsKey_AndTheNextWaiterWaitsForTheHolder() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        const long a = 0x10f1, b = 0x10f2, third = 0x10f3;
        await GrantAsync(c, t, a, b, third);
        var held = await t.ExpectAsync("a locks", c.LockAsync(Lock("lk-cancel", a)));
        using var giveUp = new CancellationTokenSource();
        var bWaits = c.LockAsync(Lock("lk-cancel", b), giveUp.Token);
        await KeyPolling.WaitForKeyCountAsync(c, "lk-cancel/", 2);
        var cWaits = c.LockAsync(Lock("lk-cancel", third));
        await KeyPolling.WaitForKeyCountAsync(c, "lk-cancel/", 3);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bWaits.WaitAsync(Patience));
        await KeyPolling.WaitForKeyCountAsync(c, "lk-cancel/", 2);
        await t.RecordAsync("b's key is gone", c.RangeAsync(new RangeRequest { Key = B("lk-cancel/"), RangeEnd = B("lk-cancel0") }));
        t.Note($"c waits for a now: {!cWaits.IsCompleted}");
        await t.ExpectAsync("a unlocks", c.UnlockAsync(held.Key));
        held = await t.ExpectAsync("c holds the lock", cWaits.WaitAsync(Patience));
        await t.ExpectAsync("c unlocks", c.UnlockAsync(held.Key));
        await RevokeAsync(c, t, a, b, third);
    });

    [Fact]
    public Task UnlockAndLockErrors_MatchEtcd() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        await t.RecordAsync("unlock of a key nobody holds", c.UnlockAsync(B("lk-none/1")));
        await t.RecordAsync("unlock without a key", c.UnlockAsync(ByteString.Empty));
        await t.RecordAsync("lock with an unknown lease", c.LockAsync(Lock("lk-none", 0x1bad)));
        await t.RecordAsync("nothing was queued", c.RangeAsync(new RangeRequest { Key = B("lk-none/"), RangeEnd = B("lk-none0") }));
    });

    [Fact]
    public Task LockWithoutLease_HoldsAFreshSixtySecondLease() => Transcript.AssertSameAsync(_both, async (c, t) =>
    {
        var locked = await c.LockAsync(Lock("lk-fresh", 0));
        var key = locked.Key.ToStringUtf8();
        Assert.StartsWith("lk-fresh/", key);
        var lease = long.Parse(key["lk-fresh/".Length..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        t.Note($"locked at revision {locked.Header.Revision}");
        var granted = await c.LeaseTimeToLiveAsync(lease, keys: true);
        t.Note($"the key's lease was granted {granted.GrantedTTL} s and holds {string.Join(",", granted.Keys.Select(k => k.ToStringUtf8().Replace(key, "the key", StringComparison.Ordinal)))}");
        await c.LeaseRevokeAsync(lease);
    });
}
