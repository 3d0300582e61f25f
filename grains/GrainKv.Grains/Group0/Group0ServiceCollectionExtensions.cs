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

    /// <summary>This silo's replica of group 0, started with the silo and served to peers, and the client that prefers it.</summary>
    public static IServiceCollection AddGroup0Replica(this IServiceCollection services)
    {
        services.AddSingleton<Group0Replica>();
        services.AddHostedService(sp => sp.GetRequiredService<Group0Replica>());
        services.AddSingleton<IGroup0Endpoint>(sp => sp.GetRequiredService<Group0Replica>());
        return services.AddGroup0Client();
    }
}
