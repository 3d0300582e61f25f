using System.Buffers;

namespace GrainKv.Runtime.Grpc.Http2;

internal static class BufferWriterExtensions
{
    public static void Write(this IBufferWriter<byte> writer, in ReadOnlySequence<byte> bytes)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            writer.Write(segment.Span);
        }
    }
}
