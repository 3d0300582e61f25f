using Google.Protobuf.WellKnownTypes;
using GrainKv.Runtime.Grpc;
using GrainKv.Silo.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Runtime.Cluster;

/// <summary>The receiving side of silo-to-silo messaging: the grainkv.silo.Silo service.</summary>
public static class SiloServices
{
    public const string RaftPath = "/grainkv.silo.Silo/Raft";
    public const string CallPath = "/grainkv.silo.Silo/Call";

    /// <summary>
    /// Adds the Silo service to <paramref name="registry"/>: Raft batches go to the <see cref="IRaftMessageSink"/>
    /// registered in <paramref name="services"/>, grain calls to this silo's activations. Needs AddSiloCluster.
    /// </summary>
    public static void Register(GrpcServiceRegistry registry, IServiceProvider services)
    {
        var sink = services.GetRequiredService<IRaftMessageSink>();
        var calls = services.GetRequiredService<RemoteGrainCallHandler>();
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        registry.AddDuplexStreaming<RaftBatch, Empty>(RaftPath, RaftBatch.Parser,
            (batches, _, context) => ReceiveRaftAsync(batches, sink, context, stopping));
        registry.AddUnary<GrainCallRequest, GrainCallResponse>(CallPath, GrainCallRequest.Parser, calls.HandleAsync);
    }

    /// <summary>Delivers batches until the peer closes the stream or this silo stops.</summary>
    private static async Task ReceiveRaftAsync(IAsyncStreamReader<RaftBatch> batches, IRaftMessageSink sink, ServerCallContext context,
        CancellationToken stopping)
    {
        // A stream open forever would hold up the server's graceful shutdown; ending it makes the peer reconnect.
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            while (await batches.MoveNext(open.Token).ConfigureAwait(false))
            {
                foreach (var envelope in batches.Current.Envelopes)
                {
                    sink.Deliver(envelope.GroupId,
                        envelope.Message ?? throw new RpcException(StatusCode.InvalidArgument, "a Raft envelope without a message"));
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
