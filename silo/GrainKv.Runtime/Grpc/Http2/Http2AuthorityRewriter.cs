using System.Buffers;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// Rewrites what the client of one HTTP/2 connection sends so that Kestrel never sees a URL as <c>:authority</c>
/// (<see cref="UrlAuthority"/>): such a value becomes its host and port, and every other byte stays as it was.
/// <para>
/// HPACK ties each header block to the ones before it: the client's encoder adds fields to a dynamic table that the
/// server's decoder keeps a copy of, and later blocks refer to them by index. So a block that needs rewriting is
/// re-encoded as literals that leave Kestrel's table alone, and so is every block after it, since they may refer to
/// entries Kestrel's table never got; this class decodes them with its own copy of the client's table.
/// </para>
/// <para>
/// The first header block decides. When it needs no rewriting, the rest of the connection is forwarded without being
/// parsed (<see cref="ForwardsUnchanged"/>), which keeps ordinary connections at no cost per request: gRPC clients
/// send one authority per connection (grpc-go and grpc-js per channel, .NET's HttpClient per URI host), so a later
/// block would not need rewriting either. Should some client send a URL later all the same, Kestrel resets that one
/// stream, as it did before this class existed; no block ever decodes to headers the client did not send.
/// </para>
/// <para>
/// What it cannot follow (no client preface, a malformed block, one over its size limit) it forwards unchanged from
/// there on, so that Kestrel sees the client's bytes and rejects them itself. After rewritten blocks Kestrel's table is
/// still empty, so a block forwarded then decodes as the client meant it or fails on an entry Kestrel lacks, which
/// Kestrel treats as a connection error.
/// </para>
/// </summary>
public sealed class Http2AuthorityRewriter
{
    private static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;
    private static ReadOnlySpan<byte> AuthorityName => ":authority"u8;

    private readonly HpackDecoder _decoder;
    private readonly int _headerBlockBytesMax;
    private readonly Http2HeaderBlock _block = new();
    private readonly List<HpackHeaderField> _fields = [];
    private readonly ArrayBufferWriter<byte> _rewrittenFragment = new();
    private bool _prefaceSeen;
    private long _payloadBytesToForward;
    private bool _rewriting;

    /// <param name="headerTableBytesMax">Kestrel's SETTINGS_HEADER_TABLE_SIZE, which bounds the client's dynamic table.</param>
    /// <param name="headerBlockBytesMax">
    /// The most bytes a header block may take, as frames and as decoded names and values; a larger one is forwarded
    /// unchanged. Clients' encoders make a block no larger than its decoded fields, so at twice Kestrel's
    /// MaxRequestHeadersTotalSize (where Kestrel drops the connection) no block Kestrel would take is over it.
    /// </param>
    public Http2AuthorityRewriter(int headerTableBytesMax, int headerBlockBytesMax)
    {
        _decoder = new HpackDecoder(headerTableBytesMax, headerBlockBytesMax);
        _headerBlockBytesMax = headerBlockBytesMax;
    }

    /// <summary>From now on every byte passes unchanged: the caller may hand the input to the server directly.</summary>
    public bool ForwardsUnchanged { get; private set; }

    /// <summary>
    /// Writes the rewritten form of <paramref name="input"/> to <paramref name="output"/> as far as it can, and returns
    /// where it stopped: at the start of an incomplete client preface, frame header or header block frame, which the
    /// next call gets again with more bytes after it.
    /// </summary>
    public SequencePosition Rewrite(in ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        ReadOnlySequence<byte> rest = input;
        while (!rest.IsEmpty)
        {
            if (ForwardsUnchanged)
            {
                output.Write(rest);
                break;
            }

            if (_payloadBytesToForward > 0)
            {
                long bytes = Math.Min(_payloadBytesToForward, rest.Length);
                output.Write(rest.Slice(0, bytes));
                rest = rest.Slice(bytes);
                _payloadBytesToForward -= bytes;
                continue;
            }

            if (!_prefaceSeen)
            {
                if (!TryForwardPreface(ref rest, output))
                {
                    return rest.Start;
                }

                continue;
            }

            if (rest.Length < Http2FrameHeader.Bytes)
            {
                return rest.Start;
            }

            Http2FrameHeader header = Http2FrameHeader.Read(rest);
            if (!_block.HasStarted && header.Type != Http2FrameType.Headers)
            {
                output.Write(rest.Slice(0, Http2FrameHeader.Bytes));
                rest = rest.Slice(Http2FrameHeader.Bytes);
                _payloadBytesToForward = header.PayloadLength;
                continue;
            }

            if (_block.Frames.Length + (long)header.FrameBytes > _headerBlockBytesMax)
            {
                ForwardUnchangedFromBlock(output);
                continue;
            }

            if (rest.Length < header.FrameBytes)
            {
                return rest.Start;
            }

            bool added = _block.TryAdd(header, rest.Slice(0, header.FrameBytes));
            rest = rest.Slice(header.FrameBytes);
            if (!added)
            {
                ForwardUnchangedFromBlock(output);
            }
            else if (_block.IsComplete)
            {
                RewriteBlock(output);
                _block.Clear();
            }
        }

        return input.End;
    }

    /// <summary>
    /// Forwards the client preface once all of it is in; false while what has come of it matches. Anything else is no
    /// HTTP/2 (perhaps an HTTP/1.1 request, which Kestrel answers itself), so it all goes through unchanged.
    /// </summary>
    private bool TryForwardPreface(ref ReadOnlySequence<byte> rest, IBufferWriter<byte> output)
    {
        int available = (int)Math.Min(rest.Length, ClientPreface.Length);
        Span<byte> start = stackalloc byte[ClientPreface.Length];
        rest.Slice(0, available).CopyTo(start);
        if (!start[..available].SequenceEqual(ClientPreface[..available]))
        {
            ForwardsUnchanged = true;
            return true;
        }

        if (available < ClientPreface.Length)
        {
            return false;
        }

        output.Write(ClientPreface);
        rest = rest.Slice(ClientPreface.Length);
        _prefaceSeen = true;
        return true;
    }

    private void RewriteBlock(IBufferWriter<byte> output)
    {
        _fields.Clear();
        if (!_decoder.TryDecode(_block.Fragment, _fields))
        {
            ForwardUnchangedFromBlock(output);
            return;
        }

        if (!RepairAuthority() && !_rewriting)
        {
            // The connection's first block needs nothing, so neither will the rest (see the class comment).
            ForwardUnchangedFromBlock(output);
            return;
        }

        _rewriting = true;
        _rewrittenFragment.ResetWrittenCount();
        foreach (HpackHeaderField field in _fields)
        {
            HpackLiteralEncoder.Write(field, _rewrittenFragment);
        }

        _block.WriteWithFragment(_rewrittenFragment.WrittenSpan, output);
    }

    /// <summary>Replaces each URL <c>:authority</c> by its host and port; false if there was none.</summary>
    private bool RepairAuthority()
    {
        bool repaired = false;
        for (int i = 0; i < _fields.Count; i++)
        {
            HpackHeaderField field = _fields[i];
            if (field.Name.AsSpan().SequenceEqual(AuthorityName) && UrlAuthority.TryGetHostAndPort(field.Value, out ReadOnlySpan<byte> hostAndPort))
            {
                _fields[i] = field with { Value = hostAndPort.ToArray() };
                repaired = true;
            }
        }

        return repaired;
    }

    private void ForwardUnchangedFromBlock(IBufferWriter<byte> output)
    {
        output.Write(_block.Frames);
        ForwardsUnchanged = true;
    }
}
