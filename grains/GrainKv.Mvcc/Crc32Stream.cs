namespace GrainKv.Mvcc;

/// <summary>A write-only stream that keeps the CRC-32 (IEEE 802.3) of everything written to it.</summary>
public sealed class Crc32Stream : Stream
{
    private static readonly uint[] Table = BuildTable();
    private uint _state = 0xFFFF_FFFF;
    private long _length;

    public uint Value => ~_state;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var state = _state;
        foreach (var b in buffer)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }
        _state = state;
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private static uint[] BuildTable()
    {
        const uint polynomial = 0xEDB8_8320;
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ polynomial : entry >> 1;
            }
            table[i] = entry;
        }
        return table;
    }
}
