using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Testing.Http2;

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

    /// <summary>
    /// Sends the calls on one new connection, each a header block and one message, and reads until every stream has
    /// ended; a GOAWAY fails the test.
    /// </summary>
    public static async Task<Dictionary<int, Http2StreamOutcome>> CallAsync(Uri address, params (int StreamId, byte[] Block, byte[] Message)[] calls)
    {
        await using var client = await ConnectAsync(address);
        await client.SendAsync(Http2Wire.Connection([
            Http2Wire.Frame(Http2Wire.Settings, Http2FrameFlags.None, 0, []),
            .. calls.SelectMany(call => new[]
            {
                Http2Wire.HeadersFrame(call.StreamId, call.Block),
                Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.EndStream, call.StreamId, call.Message),
            }),
        ]));

        var outcomes = calls.ToDictionary(call => call.StreamId, _ => new Http2StreamOutcome());
        var decoder = new HpackDecoder(4096, 64 * 1024);
        var block = new Http2HeaderBlock();
        while (outcomes.Values.Any(o => !o.Ended))
        {
            var (header, payload) = await client.ReadFrameAsync() ?? throw new InvalidOperationException("the server closed the connection");
            Http2StreamOutcome? outcome = outcomes.GetValueOrDefault(header.StreamId);
            switch ((byte)header.Type)
            {
                case Http2Wire.Settings when !header.HasFlag(Http2Wire.Ack):
                    await client.SendAsync(Http2Wire.Frame(Http2Wire.Settings, Http2Wire.Ack, 0, []));
                    break;
                case Http2Wire.Headers or Http2Wire.Continuation:
                    var frame = new byte[header.FrameBytes];
                    header.Write(frame);
                    payload.CopyTo(frame, Http2FrameHeader.Bytes);
                    Assert.True(block.TryAdd(header, new ReadOnlySequence<byte>(frame)));
                    if (block.IsComplete)
                    {
                        outcome!.HeaderLists.Add(Http2Wire.Decode(decoder, [block.Fragment.ToArray()])[0].Select(f => f.ToString()).ToList());
                        block.Clear();
                    }

                    outcome!.Ended |= header.HasFlag(Http2FrameFlags.EndStream);
                    break;
                case Http2Wire.Data:
                    outcome!.Data.AddRange(payload);
                    outcome.Ended |= header.HasFlag(Http2FrameFlags.EndStream);
                    break;
                case Http2Wire.RstStream:
                    outcome!.ResetCode = BinaryPrimitives.ReadInt32BigEndian(payload);
                    outcome.Ended = true;
                    break;
                case Http2Wire.GoAway:
                    throw new InvalidOperationException($"the server sent GOAWAY with error {payload[7]}");
            }
        }

        return outcomes;
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

        Http2FrameHeader frame = Http2FrameHeader.Read(new ReadOnlySequence<byte>(header));
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
