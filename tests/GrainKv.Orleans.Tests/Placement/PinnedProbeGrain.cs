using GrainKv.Grains.Placement;
using Orleans.Placement;

namespace GrainKv.Orleans.Tests.Placement;

[PinnedToMember, Immovable]
internal sealed class PinnedProbeGrain(PinnedActivationCheck check, ActivationLog log, ILocalSiloDetails silo)
    : Grain, IPinnedProbeGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        check.ThrowUnlessLocal(this.GetGrainId());
        log.Record(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task<string> SiloName() => Task.FromResult(silo.Name);

    public Task<string> SiloNameOfProbe(string key) => GrainFactory.GetGrain<IPinnedProbeGrain>(key).SiloName();

    public Task<string> SiloNameOfPreferLocal(string key) => GrainFactory.GetGrain<IPreferLocalCheckedGrain>(key).SiloName();
}
