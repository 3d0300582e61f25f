using System.Buffers.Binary;
using Google.Protobuf;

namespace GrainKv.Testing.Http2;

/// <summary>What the server sent on one stream of a <see cref="RawHttp2Client.CallAsync"/>: header lists, data, or a reset.</summary>
internal sealed class Http2StreamOutcome
{
    public List<List<string>> HeaderLists { get; } = [];
    public List<byte> Data { get; } = [];
    public int? ResetCode { get; set; }
    public bool Ended { get; set; }

    /// <summary>The one message of a successful gRPC answer: status 200, grpc-status 0 in the trailers, no reset.</summary>
    public T SingleMessage<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        Assert.True(ResetCode is null, $"the server reset the stream with HTTP/2 error {ResetCode}");
        Assert.Contains(":status: 200", HeaderLists[0]);
        Assert.Contains("grpc-status: 0", HeaderLists[^1]);
        byte[] data = [.. Data];
        Assert.True(data.Length >= Http2Wire.GrpcPrefixBytes && data[0] == 0, "the answer starts an uncompressed gRPC message");
        int length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(1));
        Assert.True(data.Length == Http2Wire.GrpcPrefixBytes + length, "the answer holds exactly one gRPC message");
        return parser.ParseFrom(data, Http2Wire.GrpcPrefixBytes, length);
    }
}
