using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace GrainKv.Runtime.Cluster;

public static class SiloPeerRouting
{
    /// <summary>Serves silo-to-silo messaging (<see cref="SiloServices"/>); map it on the peer URLs only.</summary>
    public static GrpcServiceEndpointConventionBuilder MapSiloPeerService(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<SiloServices>();
}
