using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using V3Electionpb;
using V3Lockpb;

namespace GrainKv.IntegrationTests.Coordination;

/// <summary>
/// The Lock and Election services on a 3-silo GrainKv: contenders on different members wait on their own
/// member's replica, which may lag the leader, and still take their turn exactly when the one before them ends.
/// </summary>
public sealed class LockElectionAcrossMembersTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task LockAndCampaign_OnEveryMember_TakeTurnsInOrder()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var clients = cluster.Members.Select(m => new EtcdClient(m.ClientUrl)).ToArray();
        try
        {
            foreach (var (client, lease) in clients.Zip(new long[] { 0x31, 0x32, 0x33 }))
            {
                await client.LeaseGrantAsync(new LeaseGrantRequest { ID = lease, TTL = 60 });
            }

            var held = await clients[0].LockAsync(new LockRequest { Name = B("xl"), Lease = 0x31 });
            var second = clients[1].LockAsync(new LockRequest { Name = B("xl"), Lease = 0x32 });
            await KeyPolling.WaitForKeyCountAsync(clients[2], "xl/", 2);
            var third = clients[2].LockAsync(new LockRequest { Name = B("xl"), Lease = 0x33 });
            await KeyPolling.WaitForKeyCountAsync(clients[0], "xl/", 3);
            Assert.False(second.IsCompleted || third.IsCompleted, "a contender got the lock while the first held it");

            var unlocked = await clients[2].UnlockAsync(held.Key);
            var secondHeld = await second.WaitAsync(Patience);
            Assert.Equal((B("xl/32"), unlocked.Header.Revision), (secondHeld.Key, secondHeld.Header.Revision));
            Assert.False(third.IsCompleted, "the third contender got the lock while the second held it");
            unlocked = await clients[0].UnlockAsync(secondHeld.Key);
            var thirdHeld = await third.WaitAsync(Patience);
            Assert.Equal((B("xl/33"), unlocked.Header.Revision), (thirdHeld.Key, thirdHeld.Header.Revision));

            var leader = (await clients[1].CampaignAsync(new CampaignRequest { Name = B("xe"), Lease = 0x32, Value = B("two") })).Leader;
            await using var observer = new ObserveSession(clients[2], B("xe"));
            Assert.Equal("two", Assert.Single(await observer.NextAsync(1, Patience)).Kv.Value.ToStringUtf8());
            var next = clients[0].CampaignAsync(new CampaignRequest { Name = B("xe"), Lease = 0x31, Value = B("one") });
            await KeyPolling.WaitForKeyCountAsync(clients[1], "xe/", 2);
            await clients[0].ProclaimAsync(new ProclaimRequest { Leader = leader, Value = B("two again") });
            await clients[2].ResignAsync(new ResignRequest { Leader = leader });
            var elected = await next.WaitAsync(Patience);
            Assert.Equal(B("xe/31"), elected.Leader.Key);

            var values = await observer.NextAsync(2, Patience);
            Assert.Equal(["two again", "one"], values.Select(r => r.Kv.Value.ToStringUtf8()));
            Assert.Equal("one", (await clients[1].LeaderAsync(B("xe"))).Kv.Value.ToStringUtf8());
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }
}
