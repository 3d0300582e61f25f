using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;

namespace GrainKv.Grains.Placement;

public static class PinnedPlacementSiloBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PinnedToMemberPlacement"/>, <see cref="ComputedGrainDirectory"/> and <see cref="PinnedActivationCheck"/>. The host registers
    /// an <see cref="IMemberSiloNames"/>. Placement retries are turned off for every grain type: Orleans
    /// 10.4.2 retries a refused placement with backoff, which delays a refusal by 330-590 ms
    /// (orleans-notes) and cannot change the answer of a director that only ever names one silo.
    /// </summary>
    public static ISiloBuilder AddPinnedToMemberPlacement(this ISiloBuilder builder)
    {
        builder.AddPlacementDirector<PinnedToMemberPlacement, PinnedToMemberPlacementDirector>();
        builder.AddGrainDirectory(ComputedGrainDirectory.Name, (services, _) => ActivatorUtilities.CreateInstance<ComputedGrainDirectory>(services));
        builder.Services.AddSingleton<PinnedActivationCheck>();
        builder.Configure<SiloMessagingOptions>(options => options.PlacementMaxRetries = 0);
        return builder;
    }
}
