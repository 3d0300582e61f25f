using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>Lease lifecycles against etcd 3.4 and GrainKv: grant, attach, keep-alive, time-to-live, revoke, errors.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class LeaseDifferentialTests
{
    private readonly DifferentialFixture _both;

    public LeaseDifferentialTests(DifferentialFixture both)
    {
        _both = both;
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task Lifecycle_GrantAttachKeepAliveRevoke_MatchesEtcd()
    {
        const long id = 0x1234_5678;
        await _both.BothAsync("grant", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 60 }));
        await _both.BothAsync("grant the same id", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 60 }));
        await _both.BothAsync("put a with the lease", c => c.PutAsync(new PutRequest { Key = B("lease/a"), Value = B("1"), Lease = id }));
        await _both.BothAsync("put b with the lease", c => c.PutAsync(new PutRequest { Key = B("lease/b"), Value = B("2"), Lease = id }));
        await _both.BothAsync("put c with the lease, then without", c => c.PutAsync(new PutRequest { Key = B("lease/c"), Value = B("3"), Lease = id }));
        await _both.BothAsync("detach c", c => c.PutAsync(new PutRequest { Key = B("lease/c"), Value = B("3") }));
        await _both.BothAsync("ignore_lease keeps the lease", c => c.PutAsync(new PutRequest { Key = B("lease/b"), Value = B("2b"), IgnoreLease = true }));
        await _both.BothAsync("keep-alive", c => c.KeepAliveOnceAsync(id));
        await _both.BothAsync("keep-alive of an unknown lease", c => c.KeepAliveOnceAsync(id + 1));
        await _both.BothAsync("time-to-live of an unknown lease", c => c.LeaseTimeToLiveAsync(id + 1, keys: true));

        var etcdTtl = await _both.EtcdClient.LeaseTimeToLiveAsync(id, keys: true);
        var grainKvTtl = await _both.GrainKvClient.LeaseTimeToLiveAsync(id, keys: true);
        Assert.Equal(etcdTtl.GrantedTTL, grainKvTtl.GrantedTTL);
        Assert.InRange(grainKvTtl.TTL, etcdTtl.TTL - 1, etcdTtl.TTL + 1);
        Assert.Equal(etcdTtl.Keys.Select(k => k.ToStringUtf8()).Order(), grainKvTtl.Keys.Select(k => k.ToStringUtf8()).Order());

        await _both.BothAsync("revoke deletes a and b in one revision", c => c.LeaseRevokeAsync(id));
        await _both.BothAsync("keys after the revoke", c => c.RangeAsync(new RangeRequest { Key = B("lease/"), RangeEnd = B("lease0") }));
        await _both.BothAsync("revoke again", c => c.LeaseRevokeAsync(id));
        await _both.BothAsync("put with the revoked lease", c => c.PutAsync(new PutRequest { Key = B("lease/d"), Lease = id }));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(9_000_000_001L)]
    public async Task Grant_TtlOutsideLimits_IsClampedOrRefusedAsEtcdDoes(long ttl)
    {
        var id = 0x7000_0000 + ttl + 10;
        await _both.BothAsync($"grant ttl {ttl}", c => c.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = ttl }));
        await _both.BothAsync("cleanup", async c =>
        {
            try { return await c.LeaseRevokeAsync(id); } catch (RpcException) { return new LeaseRevokeResponse(); }
        });
    }

    [Fact]
    public async Task Grant_ServerChosenId_IsPositiveAndUsable()
    {
        // The same steps on both servers keeps their revisions in lockstep; ids differ, so each is checked on its own.
        foreach (var client in new[] { _both.EtcdClient, _both.GrainKvClient })
        {
            var granted = await client.LeaseGrantAsync(new LeaseGrantRequest { TTL = 30 });
            Assert.True(granted.ID > 0);
            Assert.Equal(30, granted.TTL);
            var leases = await client.LeaseLeasesAsync();
            Assert.Contains(leases.Leases, l => l.ID == granted.ID);
            await client.PutAsync(new PutRequest { Key = B("lease/server-chosen"), Lease = granted.ID });
            await client.LeaseRevokeAsync(granted.ID);
            Assert.Empty((await client.RangeAsync(new RangeRequest { Key = B("lease/server-chosen") })).Kvs);
        }
    }
}
