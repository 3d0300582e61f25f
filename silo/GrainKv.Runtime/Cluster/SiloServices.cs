using Google.Protobuf.WellKnownTypes;
using GrainKv.Silo.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// The receiving side of silo-to-silo messaging, served on the peer URLs: Raft batches go to the
/// <see cref="IRaftMessageSink"/>, grain calls to this silo's activations. Needs AddSiloCluster.
/// </summary>
internal sealed class SiloServices(IRaftMessageSink sink, RemoteGrainCallHandler calls, IHostApplicationLifetime lifetime) : SiloPeer.SiloPeerBase
{
    /// <summary>Delivers batches until the peer closes the stream or this silo stops.</summary>
    public override async Task Raft(IAsyncStreamReader<RaftBatch> requestStream, IServerStreamWriter<Empty> responseStream, ServerCallContext context)
    {
        // A stream open forever would hold up the server's graceful shutdown; ending it makes the peer reconnect.
        var stopping = lifetime.ApplicationStopping;
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            while (await requestStream.MoveNext(open.Token).ConfigureAwait(false))
            {
                foreach (var envelope in requestStream.Current.Envelopes)
                {
                    sink.Deliver(envelope.GroupId,
                        envelope.Message ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "a Raft envelope without a message")));
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public override Task<GrainCallResponse> Call(GrainCallRequest request, ServerCallContext context) => calls.HandleAsync(request);
}
