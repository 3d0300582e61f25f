using GrainKv.Grains.Placement;
using GrainKv.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace GrainKv.Orleans.Tests.Placement;

/// <summary>Three in-process silos named Silo_0..Silo_2 with pinned placement and the protobuf codec.</summary>
public static class PinnedTestCluster
{
    public const int SiloCount = 3;

    public static async Task<InProcessTestCluster> StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(SiloCount);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPinnedToMemberPlacement();
            silo.Services.AddSingleton<IMemberSiloNames, KeySuffixSiloNames>();
            silo.Services.AddSingleton<ActivationLog>();
            silo.Services.AddSerializer(serializer => serializer.AddProtobufMessages());
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddProtobufMessages()));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static InProcessSiloHandle Silo(this InProcessTestCluster cluster, string name) =>
        cluster.Silos.Single(silo => silo.Name == name);

    public static int ActivationsOn(this InProcessSiloHandle silo, GrainId grainId) =>
        silo.ServiceProvider.GetRequiredService<ActivationLog>().CountOf(grainId);
}
