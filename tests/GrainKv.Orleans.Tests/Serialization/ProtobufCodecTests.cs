using System.Buffers;
using Etcdserverpb;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GrainKv.Serialization;
using GrainKv.Shard;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainKv.Orleans.Tests.Serialization;

public sealed class ProtobufCodecTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddProtobufMessages())
        .BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    private DeepCopier Copier => _services.GetRequiredService<DeepCopier>();

    public void Dispose() => _services.Dispose();

    private static PutRequest Request(int valueBytes = 256) => new()
    {
        Key = ByteString.CopyFromUtf8("key/0001"),
        Value = ByteString.CopyFrom(Enumerable.Range(0, valueBytes).Select(i => (byte)i).ToArray()),
        Lease = 7,
    };

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(100_000)]
    public void RoundTrip_PutRequest_EqualsOriginal(int valueBytes)
    {
        var request = Request(valueBytes);

        Assert.Equal(request, Serializer.Deserialize<PutRequest>(Serializer.SerializeToArray(request)));
    }

    [Fact]
    public void RoundTrip_Null_IsNull()
    {
        Assert.Null(Serializer.Deserialize<PutRequest?>(Serializer.SerializeToArray<PutRequest?>(null)));
    }

    [Fact]
    public void RoundTrip_DeclaredAsObject_KeepsMessageType()
    {
        object command = new ShardCommand { Put = Request() };

        var read = Serializer.Deserialize<object>(Serializer.SerializeToArray(command));

        Assert.Equal(command, Assert.IsType<ShardCommand>(read));
    }

    [Fact]
    public void RoundTrip_SameMessageTwice_StaysOneInstance()
    {
        var request = Request();

        var read = Serializer.Deserialize<PutRequest[]>(Serializer.SerializeToArray(new[] { request, request, Request(3) }))!;

        Assert.Same(read[0], read[1]);
        Assert.Equal(request, read[0]);
        Assert.Equal(Request(3), read[2]);
    }

    [Fact]
    public void Deserialize_InputSplitIntoSegments_ReadsMessage()
    {
        var request = Request(10_000);
        var bytes = Serializer.SerializeToArray(request);

        Assert.Equal(request, Serializer.Deserialize<PutRequest>(Segmented(bytes, segmentBytes: 97)));
    }

    [Fact]
    public void DeepCopy_Message_ReturnsEqualOtherInstance()
    {
        var request = Request();

        var copy = Copier.Copy(request);

        Assert.NotSame(request, copy);
        Assert.Equal(request, copy);
    }

    [Fact]
    public void DeepCopy_Null_IsNull()
    {
        Assert.Null(Copier.Copy<PutRequest?>(null));
    }

    [Theory]
    [InlineData(typeof(PutRequest), true)]
    [InlineData(typeof(ShardCommand), true)]
    [InlineData(typeof(Timestamp), true)]
    [InlineData(typeof(IMessage), false)]
    [InlineData(typeof(IMessage<PutRequest>), false)]
    [InlineData(typeof(string), false)]
    [InlineData(typeof(StringComparer), false)]
    [InlineData(typeof(List<PutRequest>), false)]
    public void IsMessageType_Type_TellsGeneratedMessages(System.Type type, bool expected)
    {
        Assert.Equal(expected, ProtobufMessageFamily.IsMessageType(type));
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentBytes)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentBytes, bytes.Length)), 0);
        var last = first;
        for (var start = segmentBytes; start < bytes.Length; start += segmentBytes)
        {
            last = last.Append(bytes.AsMemory(start, Math.Min(segmentBytes, bytes.Length - start)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
