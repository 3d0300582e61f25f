using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Placement;
using Orleans.Placement;

namespace GrainKv.Orleans.Tests.Serialization;

[PinnedToMember, Immovable]
internal sealed class ProtobufEchoGrain : Grain, IProtobufEchoGrain
{
    public static readonly ByteString CalleeValue = ByteString.CopyFromUtf8("written by the callee");

    public Task<PutRequest?> Mutate(PutRequest? request)
    {
        if (request is not null)
        {
            request.Value = CalleeValue;
            request.Lease = 42;
        }

        return Task.FromResult(request);
    }

    public async Task<MutateOutcome> CallMutate(string targetKey, PutRequest? request)
    {
        var returned = await GrainFactory.GetGrain<IProtobufEchoGrain>(targetKey).Mutate(request);
        return new MutateOutcome(request, returned);
    }

    public Task<IMessage?> Echo(IMessage? message) => Task.FromResult(message);
}
