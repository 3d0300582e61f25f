using System.Buffers;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// Bytes written at the end and consumed from the front, in one pooled array: what a <see cref="System.IO.Pipelines.PipeReader"/>
/// has produced and its consumer has not yet consumed. The unconsumed bytes move to the front before a write that
/// would not fit behind them, so the array grows only with what is unconsumed.
/// </summary>
internal sealed class ConsumableBuffer : IBufferWriter<byte>
{
    private byte[] _array = [];
    private int _start;
    private int _end;

    public int UnconsumedBytes => _end - _start;

    public ReadOnlySequence<byte> Unconsumed => new(_array, _start, _end - _start);

    public void Consume(long bytes)
    {
        _start += (int)bytes;
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }

    public void Advance(int count) => _end += count;

    // Reserve may replace _array, so it runs before _array is read.
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        int start = Reserve(sizeHint);
        return _array.AsMemory(start);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int start = Reserve(sizeHint);
        return _array.AsSpan(start);
    }

    /// <summary>Gives the array back to the pool; the buffer is empty and usable again afterwards.</summary>
    public void Release()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = [];
        _start = 0;
        _end = 0;
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> bytes (at least one) after the written ones; returns where they start.</summary>
    private int Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_array.Length - _end >= needed)
        {
            return _end;
        }

        int unconsumed = UnconsumedBytes;
        byte[] target = _array.Length - unconsumed >= needed ? _array : ArrayPool<byte>.Shared.Rent(Math.Max(unconsumed + needed, 4096));
        _array.AsSpan(_start, unconsumed).CopyTo(target);
        if (target != _array && _array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = target;
        _start = 0;
        _end = unconsumed;
        return _end;
    }
}
