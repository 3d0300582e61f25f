using System.Buffers;
using BenchmarkDotNet.Attributes;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Microbench;

/// <summary>
/// What the :authority rewriter in front of Kestrel costs. Every connection pays for its first header block once;
/// only a connection whose first block carries a URL authority pays for every block after it as well.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessJob]
public class Http2AuthorityRewriterBenchmarks
{
    private const int HeaderTableBytes = 4096;
    private const int HeaderBlockBytesMax = 64 * 1024;

    /// <summary>
    /// etcdctl 3.4.23's first bytes for <c>endpoint status</c>: preface, SETTINGS, SETTINGS ACK, the HEADERS of the
    /// call (119 bytes of grpc-go HPACK, :authority "http://127.0.0.1:23795") and its DATA.
    /// </summary>
    private static readonly byte[] EtcdctlStatusCall = Convert.FromHexString(
        "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a000000040000000000000000040100000000000077010400000001838645" +
        "9760a924882d9dcb6571afa066a925a87510ac6e48d36a3f41909d29aee30c044eae05c0b86e09975f6f5f8b1d75d0620d263d4c4d65" +
        "647a8b9acac8b4c7602bb2caecff40027465864d833505b11f40899acac8b24d494f6a7f860befbcf36cdb408d25062d495875996ee5" +
        "b1063d5f03332e340000050001000000010000000000");

    /// <summary>The HEADERS frame of a second call on that connection, every field by its dynamic table index.</summary>
    private static readonly byte[] SecondCall = Convert.FromHexString("0000090104000000038386c4c3c2c1c0bfbe");

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private ReadOnlySequence<byte> _hostAndPortConnection;
    private Http2AuthorityRewriter _rewriting = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rewriting = new Http2AuthorityRewriter(HeaderTableBytes, HeaderBlockBytesMax);
        _rewriting.Rewrite(new ReadOnlySequence<byte>(EtcdctlStatusCall), _output);
        // The rewritten connection is one whose first block has a host-and-port authority, needing nothing.
        _hostAndPortConnection = new ReadOnlySequence<byte>(_output.WrittenSpan.ToArray());
        if (LaterBlock_OnARewrittenConnection() == SecondCall.Length || _rewriting.ForwardsUnchanged || !FirstBlock_HostAndPortAuthority())
        {
            throw new InvalidOperationException("the benchmark connections do not take the paths they are meant to measure");
        }
    }

    /// <summary>An ordinary connection's whole cost: its first block decoded, then forwarding without parsing.</summary>
    [Benchmark]
    public bool FirstBlock_HostAndPortAuthority()
    {
        _output.ResetWrittenCount();
        var rewriter = new Http2AuthorityRewriter(HeaderTableBytes, HeaderBlockBytesMax);
        rewriter.Rewrite(_hostAndPortConnection, _output);
        return rewriter.ForwardsUnchanged;
    }

    /// <summary>The first block with a URL authority: decoded, repaired, re-encoded as literals.</summary>
    [Benchmark]
    public int FirstBlock_UrlAuthority()
    {
        _output.ResetWrittenCount();
        new Http2AuthorityRewriter(HeaderTableBytes, HeaderBlockBytesMax).Rewrite(new ReadOnlySequence<byte>(EtcdctlStatusCall), _output);
        return _output.WrittenCount;
    }

    /// <summary>Each later call on a rewritten connection: the price the first-block decision saves ordinary connections.</summary>
    [Benchmark]
    public int LaterBlock_OnARewrittenConnection()
    {
        _output.ResetWrittenCount();
        _rewriting.Rewrite(new ReadOnlySequence<byte>(SecondCall), _output);
        return _output.WrittenCount;
    }
}
