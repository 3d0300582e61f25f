using System.Buffers;
using System.IO.Pipelines;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// The shell around <see cref="Http2AuthorityRewriter"/>: a connection's input as Kestrel reads it. While the rewriter
/// works, it reads the transport, rewrites into a buffer, and serves the buffer; once the rewriter forwards everything
/// unchanged and Kestrel has consumed the buffer, every call goes straight to the transport.
/// </summary>
internal sealed class AuthorityRewritingPipeReader : PipeReader
{
    private readonly PipeReader _transport;
    private readonly ConsumableBuffer _rewritten = new();
    private Http2AuthorityRewriter? _rewriter;

    /// <summary>What the last read returned from <see cref="_rewritten"/>, to which the consumer's positions refer.</summary>
    private ReadOnlySequence<byte> _served;

    /// <summary>The consumer examined all it was served: the next read waits for more.</summary>
    private bool _servedExamined;

    private bool _transportCompleted;

    public AuthorityRewritingPipeReader(PipeReader transport, Http2AuthorityRewriter rewriter)
    {
        _transport = transport;
        _rewriter = rewriter;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        _rewriter is null ? _transport.ReadAsync(cancellationToken) : ReadRewrittenAsync(_rewriter, cancellationToken);

    public override bool TryRead(out ReadResult result)
    {
        if (_rewriter is null)
        {
            return _transport.TryRead(out result);
        }

        if (TryServe(out result))
        {
            return true;
        }

        if (TryStopRewriting())
        {
            return _transport.TryRead(out result);
        }

        if (!_transport.TryRead(out ReadResult input))
        {
            return false;
        }

        return Absorb(_rewriter, input, out result) || TryServe(out result);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_rewriter is null)
        {
            _transport.AdvanceTo(consumed, examined);
            return;
        }

        _servedExamined = _served.Slice(examined).IsEmpty;
        _rewritten.Consume(_served.Slice(0, consumed).Length);
        _served = default;
    }

    /// <summary>
    /// Cancels the transport's read: a read waiting on it returns cancelled. One served from the buffer meanwhile
    /// returns the buffer, and the cancellation reaches the consumer on the read after it.
    /// </summary>
    public override void CancelPendingRead() => _transport.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        _rewritten.Release();
        _transport.Complete(exception);
    }

    private async ValueTask<ReadResult> ReadRewrittenAsync(Http2AuthorityRewriter rewriter, CancellationToken cancellationToken)
    {
        ReadResult result;
        while (!TryServe(out result))
        {
            if (TryStopRewriting())
            {
                return await _transport.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            ReadResult input = await _transport.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Absorb(rewriter, input, out result))
            {
                break;
            }
        }

        return result;
    }

    /// <summary>Serves the buffer if it holds bytes the consumer has not examined, or if the transport has ended.</summary>
    private bool TryServe(out ReadResult result)
    {
        if ((_rewritten.UnconsumedBytes > 0 && !_servedExamined) || _transportCompleted)
        {
            _served = _rewritten.Unconsumed;
            result = new ReadResult(_served, isCanceled: false, _transportCompleted);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>Once the rewriter forwards everything unchanged and the buffer is consumed, the transport takes over.</summary>
    private bool TryStopRewriting()
    {
        if (_rewriter is not { ForwardsUnchanged: true } || _rewritten.UnconsumedBytes > 0)
        {
            return false;
        }

        _rewriter = null;
        _rewritten.Release();
        return true;
    }

    /// <summary>
    /// Rewrites what the transport returned into the buffer. True, with the result to return, if the transport's read
    /// was cancelled; otherwise the caller serves the buffer or reads again.
    /// </summary>
    private bool Absorb(Http2AuthorityRewriter rewriter, ReadResult input, out ReadResult result)
    {
        int unconsumedBefore = _rewritten.UnconsumedBytes;
        ReadOnlySequence<byte> buffer = input.Buffer;
        SequencePosition consumed = rewriter.Rewrite(buffer, _rewritten);
        if (input.IsCompleted)
        {
            // An incomplete frame at the end can never be completed: Kestrel gets it as it is.
            _rewritten.Write(buffer.Slice(consumed));
            consumed = buffer.End;
            _transportCompleted = true;
        }

        _transport.AdvanceTo(consumed, buffer.End);
        _servedExamined &= _rewritten.UnconsumedBytes == unconsumedBefore;
        if (input.IsCanceled)
        {
            _served = _rewritten.Unconsumed;
            result = new ReadResult(_served, isCanceled: true, _transportCompleted);
            return true;
        }

        result = default;
        return false;
    }
}
