using System.Collections;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// gRPC metadata: lower-case ASCII keys with string values, or byte values under keys ending in
/// <c>-bin</c>, which travel base64-encoded. A key may repeat.
/// </summary>
public sealed class GrpcMetadata : IEnumerable<GrpcMetadata.Entry>
{
    public const string BinarySuffix = "-bin";

    /// <summary>A shared empty instance; adding to it throws.</summary>
    public static readonly GrpcMetadata Empty = new() { _readOnly = true };

    private readonly List<Entry> _entries = [];
    private bool _readOnly;

    /// <summary>One value; <paramref name="Value"/> is the wire text (base64 for -bin keys), <paramref name="ValueBytes"/> the decoded bytes of a -bin key.</summary>
    public readonly record struct Entry(string Key, string Value, byte[]? ValueBytes);

    public int Count => _entries.Count;

    public void Add(string key, string value)
    {
        string name = ValidateKey(key);
        if (IsBinaryKey(name))
        {
            throw new ArgumentException($"metadata key '{key}' ends in {BinarySuffix} and takes a byte value", nameof(key));
        }

        AddEntry(new Entry(name, value, null));
    }

    public void Add(string key, byte[] value)
    {
        string name = ValidateKey(key);
        if (!IsBinaryKey(name))
        {
            throw new ArgumentException($"metadata key '{key}' must end in {BinarySuffix} to take a byte value", nameof(key));
        }

        AddEntry(new Entry(name, ToBase64(value), value));
    }

    /// <summary>The last string value under <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The last byte value under a <c>-bin</c> <paramref name="key"/>, or null.</summary>
    public byte[]? GetBytes(string key)
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase) && _entries[i].ValueBytes is { } bytes)
            {
                return bytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Adds one header value as received. A <c>-bin</c> value may hold several comma-separated base64 values,
    /// padded or not; one that does not decode is dropped, as grpc-go drops it.
    /// </summary>
    internal void AddWireValue(string key, string wireValue)
    {
        string name = key.ToLowerInvariant();
        if (!IsBinaryKey(name))
        {
            AddEntry(new Entry(name, wireValue, null));
            return;
        }

        foreach (string part in wireValue.Split(',', StringSplitOptions.TrimEntries))
        {
            if (TryFromBase64(part) is { } bytes)
            {
                AddEntry(new Entry(name, part, bytes));
            }
        }
    }

    private void AddEntry(Entry entry)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("the shared empty metadata is read-only");
        }

        _entries.Add(entry);
    }

    private static string ValidateKey(string key)
    {
        // Reserved grpc-* names are allowed on purpose: tests send grpc-timeout and grpc-encoding through metadata.
        if (key.Length == 0 || key.StartsWith(':'))
        {
            throw new ArgumentException($"'{key}' is not a valid metadata key: it is empty or a pseudo-header", nameof(key));
        }

        foreach (char c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"metadata key '{key}' has the character '{c}', outside [0-9a-z-_.]", nameof(key));
            }
        }

        return key.ToLowerInvariant();
    }

    /// <summary>gRPC senders should emit unpadded base64.</summary>
    private static string ToBase64(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    private static byte[]? TryFromBase64(string value)
    {
        int padding = (4 - value.Length % 4) % 4;
        string padded = padding == 0 ? value : value + new string('=', padding);
        var buffer = new byte[padded.Length * 3 / 4];
        return Convert.TryFromBase64String(padded, buffer, out int written) ? buffer[..written] : null;
    }
}
