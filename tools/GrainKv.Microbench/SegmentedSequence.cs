using System.Buffers;

namespace GrainKv.Microbench;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> over several arrays, the shape a PipeReader hands out when a
/// frame arrives in more than one HTTP/2 DATA frame.
/// </summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Of(params byte[][] segments)
    {
        var first = new Segment(segments[0], runningIndex: 0);
        var last = first;
        foreach (var bytes in segments.AsSpan(1))
        {
            last = last.Append(bytes);
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
