using System.Text;
using Etcdserverpb;
using GrainKv.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// --experimental-corrupt-check-time on three silo processes: a follower whose stored Raft log was changed while it
/// was down replays into another state, and the leader's periodic check raises a CORRUPT alarm for exactly that
/// member, which then refuses every write; with the check off (etcd's default) the same damage raises nothing.
/// </summary>
public sealed class CorruptionCheckTests
{
    private static readonly TimeSpan AlarmPatience = TimeSpan.FromSeconds(20);

    // Equal lengths, so the edited entry stays well-formed protobuf and only the value differs.
    private const string StoredValue = "original-value-of-the-target";
    private const string CorruptedValue = "tampered-value-of-the-target";

    [Fact]
    public async Task FollowerLogCorrupted_CheckEverySecond_RaisesCorruptForThatMemberAndRefusesWrites()
    {
        using var cluster = await GrainKvCluster.StartAsync(extraArguments: _ => ["--experimental-corrupt-check-time", "1s"]);
        var (leader, follower, followerId) = await CorruptOneFollowerAsync(cluster);

        var listed = await WaitForAlarmAsync(leader);
        Assert.Equal($"memberID:{followerId} alarm:CORRUPT \n", listed);
        var put = await Infrastructure.Etcdctl.RunAsync(leader.Endpoint, null, "put", "after", "x");
        Assert.NotEqual(0, put.ExitCode);
        Assert.Contains("etcdserver: corrupt cluster", put.Stderr);
        // Logged by the leader that raised it (the one at the start unless leadership moved meanwhile).
        Assert.Contains($"found HashMismatch on member {followerId:x16}", string.Concat(cluster.Members.Where(m => m != follower).Select(m => m.Process!.Output)));
        Assert.DoesNotContain("found HashMismatch", follower.Process!.Output);
    }

    [Fact]
    public async Task FollowerLogCorrupted_CheckOff_RaisesNothing()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var (leader, follower, _) = await CorruptOneFollowerAsync(cluster);

        // What a check every second would have found: the follower's history hashes differently at the same revision.
        var revision = (await HashKvAsync(leader, 0)).Header.Revision;
        await WaitForRevisionAsync(follower, revision);
        Assert.NotEqual((await HashKvAsync(leader, revision)).Hash, (await HashKvAsync(follower, revision)).Hash);
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.Equal("", (await Infrastructure.Etcdctl.RunAsync(leader.Endpoint, null, "alarm", "list")).Stdout);
        Assert.Equal(0, (await Infrastructure.Etcdctl.RunAsync(leader.Endpoint, null, "put", "after", "x")).ExitCode);
    }

    [Fact]
    public async Task HealthyClusterUnderWritesAndCompactions_CheckEvery200ms_RaisesNothing()
    {
        using var cluster = await GrainKvCluster.StartAsync(extraArguments: _ => ["--experimental-corrupt-check-time", "200ms", "--log-level", "debug"]);
        var leader = await cluster.LeaderAsync();
        using var client = new EtcdClient(leader.ClientUrl);

        var deadline = DateTime.UtcNow + AlarmPatience;
        for (var i = 0; i < 150 || PassesComparingBothPeers(cluster) < 5; i++)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not 150 puts and 5 check passes within {AlarmPatience}:\n{leader.Process!.Output}");
            var put = await client.PutAsync($"key{i % 10}", $"value{i}");
            if (i % 50 == 49) await client.CompactAsync(new CompactionRequest { Revision = put.Header.Revision - 5 });
        }

        Assert.Equal("", (await Infrastructure.Etcdctl.RunAsync(leader.Endpoint, null, "alarm", "list")).Stdout);
        Assert.DoesNotContain("Corruption check of shard 1 found", string.Concat(cluster.Members.Select(m => m.Process!.Output)));
    }

    /// <summary>
    /// Writes keys, then SIGKILLs a follower and changes one put's value inside its stored Raft log (the wal table
    /// of its SQLite file; far fewer entries than --snapshot-count, so no snapshot holds the put), and restarts it.
    /// </summary>
    private static async Task<(GrainKvCluster.Member Leader, GrainKvCluster.Member Follower, ulong FollowerId)> CorruptOneFollowerAsync(GrainKvCluster cluster)
    {
        var leader = await cluster.LeaderAsync();
        using (var client = new EtcdClient(leader.ClientUrl))
        {
            for (var i = 0; i < 5; i++) await client.PutAsync($"key{i}", $"value{i}");
            await client.PutAsync("target", StoredValue);
            await client.PutAsync("last", "value");
        }
        await cluster.ConvergedRevisionAsync();
        var follower = cluster.Members.First(m => m != leader);
        using (var client = new EtcdClient(follower.ClientUrl))
        {
            var followerId = (await client.StatusAsync()).Header.MemberId;
            cluster.Kill(follower);
            ChangeStoredValue(Path.Combine(follower.DataDir, "grainkv.db"));
            await cluster.RestartAsync(follower);
            return (leader, follower, followerId);
        }
    }

    private static void ChangeStoredValue(string databasePath)
    {
        var stored = Encoding.UTF8.GetBytes(StoredValue);
        var corrupted = Encoding.UTF8.GetBytes(CorruptedValue);
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        var entries = new List<(long GroupId, long Index, byte[] Data)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT group_id, idx, data FROM wal";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var data = (byte[])reader["data"];
                if (data.AsSpan().IndexOf(stored) >= 0) entries.Add((reader.GetInt64(0), reader.GetInt64(1), data));
            }
        }
        var (groupId, index, entry) = Assert.Single(entries);
        using (var snapshot = connection.CreateCommand())
        {
            snapshot.CommandText = "SELECT idx FROM snapshot WHERE group_id = $group";
            snapshot.Parameters.AddWithValue("$group", groupId);
            Assert.True(snapshot.ExecuteScalar() is not long snapshotIndex || snapshotIndex < index, "the put is inside a snapshot");
        }
        corrupted.CopyTo(entry.AsSpan(entry.AsSpan().IndexOf(stored)));
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE wal SET data = $data WHERE group_id = $group AND idx = $idx";
        update.Parameters.AddWithValue("$data", entry);
        update.Parameters.AddWithValue("$group", groupId);
        update.Parameters.AddWithValue("$idx", index);
        Assert.Equal(1, update.ExecuteNonQuery());
    }

    private static int PassesComparingBothPeers(GrainKvCluster cluster) =>
        cluster.Members.Sum(m => m.Process!.Output.Split("compared 2 peers").Length - 1);

    /// <summary>`etcdctl alarm list` once it lists anything, within <see cref="AlarmPatience"/>.</summary>
    private static async Task<string> WaitForAlarmAsync(GrainKvCluster.Member member)
    {
        var deadline = DateTime.UtcNow + AlarmPatience;
        while (true)
        {
            var list = await Infrastructure.Etcdctl.RunAsync(member.Endpoint, null, "alarm", "list");
            if (list.Stdout.Length > 0) return list.Stdout;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no alarm within {AlarmPatience}:\n{member.Process!.Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>Returns once <paramref name="member"/> has applied <paramref name="revision"/>, within <see cref="AlarmPatience"/>.</summary>
    private static async Task WaitForRevisionAsync(GrainKvCluster.Member member, long revision)
    {
        using var client = new EtcdClient(member.ClientUrl);
        var deadline = DateTime.UtcNow + AlarmPatience;
        long applied;
        while ((applied = (await client.StatusAsync()).Header.Revision) < revision)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{member.Name} at revision {applied}, not {revision}, after {AlarmPatience}");
            await Task.Delay(100);
        }
    }

    private static async Task<HashKVResponse> HashKvAsync(GrainKvCluster.Member member, long revision)
    {
        using var client = new EtcdClient(member.ClientUrl);
        return await client.HashKvAsync(revision);
    }
}
