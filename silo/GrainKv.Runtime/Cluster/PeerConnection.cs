using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using GrainKv.Raft;
using GrainKv.Runtime.Grpc;
using GrainKv.Silo.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// This silo's link to one peer silo: one HTTP/2 connection carrying one long-lived Raft stream, fed by a
/// bounded queue. A pump writes everything queued as one <see cref="RaftBatch"/>, and sends
/// a large snapshot in chunks between batches (<see cref="OutgoingSnapshot"/>);
/// when the stream breaks it drops what is queued, refuses sends for a backoff delay, and reconnects.
/// A peer that goes away is logged once as a warning, and
/// once more when its stream is back; the attempts in between log at Debug.
/// </summary>
internal sealed partial class PeerConnection : IDisposable
{
    private readonly Channel<RaftEnvelope> _queue;
    private readonly GrpcChannel _channel;
    private readonly SiloPeer.SiloPeerClient _client;
    private readonly SiloClusterOptions _options;
    private readonly SiloMessagingMetrics _metrics;
    private readonly ILogger _log;
    private readonly KeyValuePair<string, object?> _peerTag;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<OutgoingSnapshot> _snapshots = [];
    private int _heldCount;
    private TimeSpan _reconnectDelay;
    private volatile bool _unreachable;
    private bool _lost;

    public PeerConnection(SiloMember peer, SiloClusterOptions options, SiloMessagingMetrics metrics, ILogger<PeerConnection> log)
    {
        Peer = peer;
        _options = options;
        _metrics = metrics;
        _log = log;
        _peerTag = new("peer", peer.Name);
        _reconnectDelay = options.ReconnectDelayMin;
        _queue = Channel.CreateBounded<RaftEnvelope>(new BoundedChannelOptions(options.PeerQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _channel = GrpcChannels.Open(peer.Url);
        _client = new SiloPeer.SiloPeerClient(_channel);
        _ = Task.Run(() => PumpAsync(_stopping.Token));
    }

    public SiloMember Peer { get; }

    public void Send(ulong groupId, Message message)
    {
        if (_unreachable)
        {
            CountDropped(1, RaftDropReason.PeerUnreachable);
        }
        else if (!_queue.Writer.TryWrite(new RaftEnvelope { GroupId = groupId, Message = message }))
        {
            CountDropped(1, RaftDropReason.QueueFull);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _queue.Writer.TryComplete();
        _channel.Dispose();
    }

    private async Task PumpAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                // Connect only once there is something to send, so an idle peer costs no connection attempts.
                if (!await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false)) return;
                await StreamAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                _metrics.StreamBreaks.Add(1, _peerTag);
                var reason = error is RpcException rpc ? rpc.Reason() : error.Message;
                if (_lost)
                {
                    LogStillUnreachable(Peer.Name, _reconnectDelay.TotalMilliseconds, reason);
                }
                else
                {
                    _lost = true;
                    LogStreamLost(Peer.Name, reason);
                }
            }

            _unreachable = true;
            // The peer discards a partial snapshot with its stream, so a new stream starts none halfway.
            var dropped = _snapshots.Count + _heldCount;
            _snapshots.Clear();
            _heldCount = 0;
            while (_queue.Reader.TryRead(out _)) dropped++;
            CountDropped(dropped, RaftDropReason.PeerUnreachable);
            try
            {
                await Task.Delay(_reconnectDelay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _reconnectDelay = TimeSpan.FromTicks(Math.Min(_reconnectDelay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
            _unreachable = false;
        }
    }

    /// <summary>Writes batches until the stream breaks (throws) or the peer ends it.</summary>
    private async Task StreamAsync(CancellationToken stopping)
    {
        using var call = _client.Raft(cancellationToken: stopping);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var responses = WatchForEndAsync(call, ended);
        var connected = false;
        try
        {
            while (_snapshots.Count > 0 || await _queue.Reader.WaitToReadAsync(ended.Token).ConfigureAwait(false))
            {
                var (batch, messages, chunks) = TakeBatch();
                await call.RequestStream.WriteAsync(batch, ended.Token).ConfigureAwait(false);
                _metrics.MessagesSent.Add(messages, _peerTag);
                _metrics.BatchMessages.Record(batch.Envelopes.Count, _peerTag);
                if (chunks > 0) _metrics.SnapshotChunksSent.Add(chunks, _peerTag);
                if (!connected)
                {
                    connected = true;
                    _reconnectDelay = _options.ReconnectDelayMin;
                    if (_lost) LogStreamBack(Peer.Name);
                    else LogStreamOpen(Peer.Name);
                    _lost = false;
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new IOException($"The Raft stream to silo {Peer.Name} ended.", await responses.ConfigureAwait(false));
        }
        finally
        {
            // Stops the watcher before the call and the token source it uses are disposed.
            ended.Cancel();
            await responses.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes queued messages up to the batch's size, then fills it with chunks of the snapshots being sent, oldest
    /// first, at least one: a snapshot goes out a chunk or a few per batch while other groups' messages keep flowing.
    /// </summary>
    private (RaftBatch Batch, int Messages, int Chunks) TakeBatch()
    {
        var batch = new RaftBatch();
        int bytes = 0, messages = 0, chunks = 0;
        while (bytes < _options.RaftBatchBytesMax && _queue.Reader.TryRead(out var envelope)) Route(envelope);

        while (_snapshots.Count > 0 && (chunks == 0 || bytes < _options.RaftBatchBytesMax))
        {
            var snapshot = _snapshots[0];
            var chunk = snapshot.NextChunk();
            batch.Envelopes.Add(chunk);
            bytes += chunk.SnapshotChunk.Data.Length;
            chunks++;
            if (!snapshot.IsSent) continue;
            _snapshots.RemoveAt(0);
            messages++;
            _heldCount -= snapshot.Held.Count;
            foreach (var held in snapshot.Held) Route(held);
        }
        return (batch, messages, chunks);

        void Route(RaftEnvelope envelope)
        {
            if (SnapshotBeingSent(envelope.GroupId) is { } sending)
            {
                // Held messages came out of the bounded queue: together they keep its bound.
                if (_heldCount >= _options.PeerQueueCapacity)
                {
                    CountDropped(1, RaftDropReason.QueueFull);
                    return;
                }
                sending.Held.Add(envelope);
                _heldCount++;
            }
            else if (OutgoingSnapshot.NeedsChunks(envelope, _options.SnapshotChunkBytes))
            {
                _snapshots.Add(new OutgoingSnapshot(envelope, _options.SnapshotChunkBytes));
            }
            else
            {
                batch.Envelopes.Add(envelope);
                bytes += envelope.CalculateSize();
                messages++;
            }
        }
    }

    private OutgoingSnapshot? SnapshotBeingSent(ulong groupId)
    {
        foreach (var snapshot in _snapshots)
        {
            if (snapshot.GroupId == groupId) return snapshot;
        }
        return null;
    }

    /// <summary>The peer sends nothing on the stream: its end, or a failure, is the news. Returns the failure.</summary>
    private static async Task<Exception?> WatchForEndAsync(AsyncDuplexStreamingCall<RaftBatch, Empty> call, CancellationTokenSource ended)
    {
        try
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync(ended.Token).ConfigureAwait(false))
            {
            }
            return null;
        }
        catch (Exception error)
        {
            return error;
        }
        finally
        {
            ended.Cancel();
        }
    }

    private void CountDropped(int count, string reason)
    {
        if (count > 0) _metrics.MessagesDropped.Add(count, _peerTag, new KeyValuePair<string, object?>("reason", reason));
    }
}
