using GrainKv.Runtime.Client;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Silo.Protocol;

namespace GrainKv.Gateway;

/// <summary>
/// Serves the silos' grain-call method on the gateway's client port, so that GrainKv's .NET client,
/// connected to gateways only, can call grains: each call is placed and sent on as the gateway's own are.
/// A call that broke off at the silo answers Unavailable, which the client's runtime takes as "may have run".
/// </summary>
internal static class GrainCallForwarding
{
    public static void Register(GrpcServiceRegistry registry, ClusterClient cluster) =>
        registry.AddUnary<GrainCallRequest, GrainCallResponse>(SiloServices.CallPath, GrainCallRequest.Parser,
            (request, context) => cluster.ForwardAsync(request, context.CancellationToken));
}
