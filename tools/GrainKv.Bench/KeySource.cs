using System.Globalization;

namespace GrainKv.Bench;

/// <summary>
/// Which key a request uses: the decimal index of a key in a space of <c>keySpace</c> keys, zero-padded to
/// <c>keySize</c> bytes so every key has the same length and stays readable with etcdctl ("00000042").
/// Sequential keys follow the run's request numbers; otherwise keys are drawn uniformly from the caller's random source.
/// A source made by <see cref="Single"/> always gives the one key it was made with.
/// </summary>
public sealed class KeySource
{
    private readonly int _keySize;
    private readonly long _keySpace;
    private readonly bool _sequential;
    private readonly byte[]? _singleKey;

    private KeySource(int keySize, long keySpace, bool sequential, byte[]? singleKey = null)
    {
        _keySize = keySize;
        _keySpace = keySpace;
        _sequential = sequential;
        _singleKey = singleKey;
    }

    public static KeySource Single(byte[] key) => new(key.Length, 1, sequential: false, key);

    /// <summary>The source, or why the sizes cannot work together.</summary>
    public static (KeySource? Source, string? Error) Create(int keySize, long keySpace, bool sequential)
    {
        if (keySize < 1)
        {
            return (null, $"--key-size must be at least 1, not {keySize}");
        }

        if (keySpace < 1)
        {
            return (null, $"--key-space must be at least 1, not {keySpace}");
        }

        int digitsNeeded = (keySpace - 1).ToString(CultureInfo.InvariantCulture).Length;
        if (digitsNeeded > keySize)
        {
            return (null, $"--key-space {keySpace} needs keys of at least {digitsNeeded} bytes, but --key-size is {keySize}");
        }

        return (new KeySource(keySize, keySpace, sequential), null);
    }

    public byte[] KeyFor(long requestNumber, Random random)
    {
        if (_singleKey is not null)
        {
            return _singleKey;
        }

        long index = _sequential ? requestNumber % _keySpace : random.NextInt64(_keySpace);
        var key = new byte[_keySize];
        for (int i = _keySize - 1; i >= 0; i--)
        {
            key[i] = (byte)('0' + index % 10);
            index /= 10;
        }

        return key;
    }
}
