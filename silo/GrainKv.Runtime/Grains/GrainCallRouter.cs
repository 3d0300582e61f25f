using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime;

/// <summary>
/// Sends a grain call to the silo its grain is placed on: a local call goes to the catalog with its
/// argument objects as they are, a call placed elsewhere over silo-to-silo messaging when this silo is a
/// cluster member.
/// </summary>
internal sealed class GrainCallRouter(IPlacementDirector placement, ILocalSiloDetails localSilo, GrainCatalog catalog,
    RemoteGrainCaller? remote = null) : IGrainCallSender
{
    public void Send(GrainCall call)
    {
        var silo = placement.PlaceGrain(call.Target);
        if (silo == localSilo.SiloAddress)
        {
            catalog.Dispatch(call);
        }
        else if (remote is not null)
        {
            remote.Send(silo, call);
        }
        else
        {
            call.Fail(new NotSupportedException($"Grain {call.Target} is placed on silo {silo}; calls to other silos need AddSiloCluster."));
        }
    }
}
