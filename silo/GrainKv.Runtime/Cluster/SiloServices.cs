using Google.Protobuf.WellKnownTypes;
using GrainKv.Shard;
using GrainKv.Silo.Protocol;
using Grpc.Core;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// The receiving side of silo-to-silo messaging, served on the peer URLs: Raft batches go to the
/// <see cref="IRaftMessageSink"/> (a snapshot sent in chunks once it is whole), group 0's requests to its replica here.
/// Needs AddSiloCluster.
/// </summary>
internal sealed class SiloServices(IRaftMessageSink sink, PeerStreamLifetime lifetime,
    SiloClusterOptions options, IGroup0Endpoint? group0 = null) : SiloPeer.SiloPeerBase
{
    /// <summary>Delivers batches until the peer closes the stream or this silo stops.</summary>
    public override async Task Raft(IAsyncStreamReader<RaftBatch> requestStream, IServerStreamWriter<Empty> responseStream, ServerCallContext context)
    {
        // A stream open forever would hold up the server's graceful shutdown; ending it makes the peer reconnect.
        var stopping = lifetime.Stopping;
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        // Partial snapshots belong to this stream: they go with it when it ends or breaks.
        var snapshots = new SnapshotReassembly(options.SnapshotReassemblyBytesMax);
        try
        {
            while (await requestStream.MoveNext(open.Token).ConfigureAwait(false))
            {
                foreach (var envelope in requestStream.Current.Envelopes)
                {
                    if (envelope.Message is { } message)
                    {
                        sink.Deliver(envelope.GroupId, message);
                    }
                    else if (envelope.SnapshotChunk is { } chunk)
                    {
                        if (snapshots.Add(envelope.GroupId, chunk) is { } whole) sink.Deliver(envelope.GroupId, whole);
                    }
                    else
                    {
                        throw new RpcException(new Status(StatusCode.InvalidArgument, "a Raft envelope without a message"));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public override Task<ShardReply> Group0(Group0Request request, ServerCallContext context) =>
        group0?.HandleAsync(request, context.CancellationToken)
        ?? throw new RpcException(new Status(StatusCode.Unavailable, "this silo holds no replica of group 0"));
}
