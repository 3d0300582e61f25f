using GrainKv.Grains.Replication;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Grains.Group0;

public static class Group0ServiceCollectionExtensions
{
    /// <summary>Group 0 as a process that holds no replica of it reaches it (a stand-alone gateway): over the members' peer URLs.</summary>
    public static IServiceCollection AddGroup0Client(this IServiceCollection services)
    {
        services.AddSingleton<Group0Peers>();
        services.AddSingleton<Group0Client>();
        services.AddSingleton<MemberDirectory>();
        services.AddSingleton<ShardMapDirectory>();
        return services;
    }

    /// <summary>
    /// The way to group 0's revision oracle for a cluster of several shards: one allocation in flight for the process,
    /// its answers waking this silo's Raft loop (a stand-alone gateway has none).
    /// </summary>
    public static IServiceCollection AddRevisionAllocator(this IServiceCollection services) =>
        services.AddSingleton<IRevisionSource>(sp =>
        {
            var driver = sp.GetService<ReplicaDriver>();
            // Group 0's client is looked up at the first allocation: group 0's own replica is started by what takes this.
            return new RevisionAllocator(count => sp.GetRequiredService<Group0Client>().AllocateRevisionsAsync(count), driver is null ? static () => { } : driver.WakeUp);
        });

    /// <summary>This silo's replica of group 0, started with the silo and served to peers, and the client that prefers it.</summary>
    public static IServiceCollection AddGroup0Replica(this IServiceCollection services)
    {
        services.AddSingleton<Group0Replica>();
        services.AddHostedService(sp => sp.GetRequiredService<Group0Replica>());
        services.AddSingleton<IGroup0Endpoint>(sp => sp.GetRequiredService<Group0Replica>());
        return services.AddGroup0Client();
    }
}
