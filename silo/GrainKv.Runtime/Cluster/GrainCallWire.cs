using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>A grain call as it travels to another silo: the request it becomes, and how the answer completes it.</summary>
internal static class GrainCallWire
{
    public static GrainCallRequest ToRequest(GrainCall call)
    {
        var request = new GrainCallRequest
        {
            GrainType = call.Target.Type,
            GrainKey = call.Target.Key,
            InterfaceName = call.Method.Interface.Type.FullName,
            MethodId = call.Method.MethodId,
        };
        call.Method.Codec.EncodeArguments(call.Arguments, request.Arguments);
        return request;
    }

    /// <summary>Completes <paramref name="call"/> with the result <paramref name="silo"/> sent, or fails it with the exception the call ended with there.</summary>
    public static void Complete(GrainCall call, GrainCallResponse response, SiloAddress silo)
    {
        switch (response.OutcomeCase)
        {
            case GrainCallResponse.OutcomeOneofCase.Result:
                call.Complete(call.Method.Codec.DecodeResult(response.Result));
                break;
            case GrainCallResponse.OutcomeOneofCase.Failure:
                call.Fail(new RemoteGrainException(silo, response.Failure.ExceptionType, response.Failure.Message));
                break;
            default:
                throw new InvalidDataException($"Silo {silo} answered a call of {call.Method} with neither a result nor a failure.");
        }
    }
}
