namespace GrainKv.Runtime;

/// <summary>Sends a grain call to the silo its grain is placed on; only this silo is reachable for now.</summary>
internal sealed class GrainCallRouter(IPlacementDirector placement, ILocalSiloDetails localSilo, GrainCatalog catalog)
{
    public void Send(GrainCall call)
    {
        var silo = placement.PlaceGrain(call.Target);
        if (silo != localSilo.SiloAddress)
        {
            call.Fail(new NotSupportedException($"Grain {call.Target} is placed on silo {silo}; calls to other silos are not supported yet."));
            return;
        }
        catalog.Dispatch(call);
    }
}
