using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>Runs a grain call another silo sent here like a local call, and answers with its result or its exception.</summary>
internal sealed class RemoteGrainCallHandler(GrainTypeRegistry registry, GrainCatalog catalog)
{
    public async Task<GrainCallResponse> HandleAsync(GrainCallRequest request)
    {
        try
        {
            var grainInterface = registry.GetInterface(request.InterfaceName);
            var target = new GrainId(request.GrainType, request.GrainKey);
            if (target.Type != grainInterface.GrainType)
            {
                throw new InvalidOperationException(
                    $"Grain {target} is called through {request.InterfaceName}, which grain type '{grainInterface.GrainType}' serves.");
            }
            var method = grainInterface.GetMethod(request.MethodId);
            var result = await method.CallHere(catalog, target, method.Codec.DecodeArguments(request.Arguments)).ConfigureAwait(false);
            return new GrainCallResponse { Result = method.Codec.EncodeResult(result) };
        }
        catch (Exception error)
        {
            return new GrainCallResponse
            {
                Failure = new GrainCallFailure { ExceptionType = error.GetType().FullName ?? error.GetType().Name, Message = error.Message },
            };
        }
    }
}
