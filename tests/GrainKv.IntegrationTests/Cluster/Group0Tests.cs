using GrainKv.Grains.Group0;
using GrainKv.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Group 0, the Raft group of every member that holds what belongs to the cluster as a whole, seen through what its
/// users see: the attributes each member publishes there when it starts, as an etcd member publishes its own.
/// </summary>
public sealed class Group0Tests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>etcd 3.4 lists a stopped member with the client URLs it published; asking the member itself cannot.</summary>
    [Fact]
    public async Task MemberDown_MemberListStillShowsItsPublishedClientUrls()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        foreach (var member in cluster.Members) await PublishedAsync(member);
        var down = cluster.Members[2];

        cluster.Kill(down);
        using var client = new EtcdClient(cluster.Members[0].ClientUrl);
        var listed = (await client.MemberListAsync()).Members.Single(m => m.Name == down.Name);

        Assert.Equal([down.ClientUrl.ToString().TrimEnd('/')], listed.ClientURLs);
    }

    /// <summary>
    /// Group 0 is a Raft group of its own: with the first member down, a member that restarts publishes again, which
    /// takes a leader and a quorum of the other two.
    /// </summary>
    [Fact]
    public async Task FirstMemberDown_ARestartedMemberPublishesThroughTheOtherTwo()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        foreach (var member in cluster.Members) await PublishedAsync(member);
        var restarted = cluster.Members[1];

        cluster.Kill(cluster.Members[0]);
        cluster.Kill(restarted);
        await cluster.RestartAsync(restarted);

        await PublishedAsync(restarted);
        using var client = new EtcdClient(cluster.Members[2].ClientUrl);
        var listed = (await client.MemberListAsync()).Members.Single(m => m.Name == restarted.Name);
        Assert.Equal([restarted.ClientUrl.ToString().TrimEnd('/')], listed.ClientURLs);
    }

    /// <summary>A hung member keeps its connections open; a process that is no member goes on to the next one.</summary>
    [Fact]
    public async Task NearestMemberHung_ANonMemberReadsGroup0FromAnother()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        foreach (var member in cluster.Members) await PublishedAsync(member);
        await using var outside = Group0Services.AddClient(new ServiceCollection(), cluster).BuildServiceProvider();

        cluster.Members[0].Process!.Pause();
        try
        {
            var published = await outside.GetRequiredService<MemberDirectory>().ReadAsync().WaitAsync(Patience);

            Assert.Equal(cluster.Members.Select(m => m.Name).Order(), published.Values.Select(m => m.Name).Order());
        }
        finally
        {
            cluster.Members[0].Process!.Resume();
        }
    }

    private static Task PublishedAsync(GrainKvCluster.Member member) =>
        member.Process!.WaitForOutputAsync($"Published member {member.Name} with client URLs", Patience);
}
