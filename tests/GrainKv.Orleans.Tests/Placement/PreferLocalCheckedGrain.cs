using GrainKv.Grains.Placement;
using Orleans.Placement;

namespace GrainKv.Orleans.Tests.Placement;

/// <summary>
/// Placed on the caller's silo whatever its key names, so it activates on a silo the activation check
/// must refuse: the situation a stale directory entry produces for a pinned grain.
/// </summary>
[PreferLocalPlacement]
internal sealed class PreferLocalCheckedGrain(PinnedActivationCheck check, ActivationLog log, ILocalSiloDetails silo)
    : Grain, IPreferLocalCheckedGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        check.ThrowUnlessLocal(this.GetGrainId());
        log.Record(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task<string> SiloName() => Task.FromResult(silo.Name);
}
