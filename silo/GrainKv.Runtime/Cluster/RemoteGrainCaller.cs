using GrainKv.Silo.Protocol;
using Grpc.Core;

namespace GrainKv.Runtime.Cluster;

/// <summary>Sends a grain call placed on another silo over that silo's connection, and completes it with the answer.</summary>
internal sealed class RemoteGrainCaller(SiloConnections connections)
{
    public void Send(SiloAddress silo, GrainCall call) => _ = CallAsync(silo, call);

    private async Task CallAsync(SiloAddress silo, GrainCall call)
    {
        try
        {
            var peer = connections.Find(silo)
                ?? throw new SiloUnreachableException(silo, $"grain {call.Target} is placed on it, but it is no peer of this silo.");
            var request = GrainCallWire.ToRequest(call);
            GrainCallResponse response;
            try
            {
                response = await peer.Client.CallAsync(request).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                throw new SiloUnreachableException(silo, error.Status.Detail, error);
            }
            GrainCallWire.Complete(call, response, silo);
        }
        catch (Exception error)
        {
            call.Fail(error);
        }
    }
}
