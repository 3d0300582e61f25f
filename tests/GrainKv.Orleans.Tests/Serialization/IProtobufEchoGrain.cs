using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Orleans.Tests.Serialization;

[Alias("grainkv.tests.IProtobufEchoGrain")]
public interface IProtobufEchoGrain : IGrainWithStringKey
{
    /// <summary>Overwrites the request's value and returns the request.</summary>
    [Alias("Mutate")] Task<PutRequest?> Mutate(PutRequest? request);

    /// <summary>Sends <paramref name="request"/> to the grain <paramref name="targetKey"/>'s <see cref="Mutate"/>.</summary>
    [Alias("CallMutate")] Task<MutateOutcome> CallMutate(string targetKey, PutRequest? request);

    [Alias("Echo")] Task<IMessage?> Echo(IMessage? message);
}

/// <summary>What a caller holds after calling <see cref="IProtobufEchoGrain.Mutate"/>.</summary>
[GenerateSerializer, Alias("grainkv.tests.MutateOutcome")]
public sealed record MutateOutcome([property: Id(0)] PutRequest? SentAfterCall, [property: Id(1)] PutRequest? Returned);
