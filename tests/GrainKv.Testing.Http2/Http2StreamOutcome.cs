using System.Buffers;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;

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
        var data = new ReadOnlySequence<byte>([.. Data]);
        Assert.True(GrpcFrame.TryReadFrame(ref data, Data.Count, out GrpcFrame frame), "the answer holds a whole gRPC message");
        Assert.True(data.IsEmpty, "the answer holds one gRPC message");
        return parser.ParseFrom(frame.Message);
    }
}
