using System.Net.Sockets;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

/// <summary>A TCP connection that sends hand-made HTTP/2 bytes and reads back the server's frames, every read bounded in time.</summary>
internal sealed class RawHttp2Client : IAsyncDisposable
{
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(20);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawHttp2Client(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttp2Client> ConnectAsync(Uri address)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        return new RawHttp2Client(tcp);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>The server's next frame; null once it has closed the connection.</summary>
    public async Task<(Http2FrameHeader Header, byte[] Payload)?> ReadFrameAsync()
    {
        var header = new byte[Http2FrameHeader.Bytes];
        if (!await ReadExactlyAsync(header))
        {
            return null;
        }

        Http2FrameHeader frame = Http2FrameHeader.Read(new System.Buffers.ReadOnlySequence<byte>(header));
        var payload = new byte[frame.PayloadLength];
        Assert.True(await ReadExactlyAsync(payload), "the server's frame is complete");
        return (frame, payload);
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        using var bound = new CancellationTokenSource(ReadBound);
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await _stream.ReadAsync(buffer.AsMemory(read), bound.Token);
            if (n == 0)
            {
                Assert.Equal(0, read);
                return false;
            }

            read += n;
        }

        return true;
    }
}
