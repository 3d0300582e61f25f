using GrainKv.Runtime.Grpc;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>Sends a grain call placed on another silo over that silo's connection, and completes it with the answer.</summary>
internal sealed class RemoteGrainCaller(SiloConnections connections)
{
    public void Send(SiloAddress silo, GrainCall call) => _ = CallAsync(silo, call);

    private async Task CallAsync(SiloAddress silo, GrainCall call)
    {
        try
        {
            var codec = call.Method.Codec;
            var peer = connections.Find(silo)
                ?? throw new SiloUnreachableException(silo, $"grain {call.Target} is placed on it, but it is no peer of this silo.");
            var request = new GrainCallRequest
            {
                GrainType = call.Target.Type,
                GrainKey = call.Target.Key,
                InterfaceName = call.Method.Interface.Type.FullName,
                MethodId = call.Method.MethodId,
            };
            codec.EncodeArguments(call.Arguments, request.Arguments);
            GrainCallResponse response;
            try
            {
                response = await peer.Client.UnaryAsync(SiloServices.CallPath, request, GrainCallResponse.Parser).ConfigureAwait(false);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                throw new SiloUnreachableException(silo, error.Message, error);
            }
            switch (response.OutcomeCase)
            {
                case GrainCallResponse.OutcomeOneofCase.Result:
                    call.Complete(codec.DecodeResult(response.Result));
                    break;
                case GrainCallResponse.OutcomeOneofCase.Failure:
                    call.Fail(new RemoteGrainException(silo, response.Failure.ExceptionType, response.Failure.Message));
                    break;
                default:
                    throw new InvalidDataException($"Silo {silo} answered a call of {call.Method} with neither a result nor a failure.");
            }
        }
        catch (Exception error)
        {
            call.Fail(error);
        }
    }
}
