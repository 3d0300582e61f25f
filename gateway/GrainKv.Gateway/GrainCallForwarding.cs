using GrainKv.Runtime.Client;
using GrainKv.Silo.Protocol;
using Grpc.Core;

namespace GrainKv.Gateway;

/// <summary>
/// Serves the silos' grain-call method on the gateway's client port, so that GrainKv's .NET client,
/// connected to gateways only, can call grains: each call is placed and sent on as the gateway's own are.
/// A call that broke off at the silo answers Unavailable, which the client's runtime takes as "may have run".
/// </summary>
internal sealed class GrainCallForwarding(ClusterClient cluster) : SiloPeer.SiloPeerBase
{
    public override Task<GrainCallResponse> Call(GrainCallRequest request, ServerCallContext context) =>
        cluster.ForwardAsync(request, context.CancellationToken);
}
