using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GrainKv.Runtime;

/// <summary>
/// Names one grain: its grain type (e.g. "replica") and its key. Formatted "type/key"; the type
/// holds no '/', so the key may.
/// </summary>
public readonly record struct GrainId
{
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        if (type.Contains('/')) throw new ArgumentException($"A grain type holds no '/': '{type}'.", nameof(type));
        Type = type;
        Key = key;
    }

    public string Type { get; }

    public string Key { get; }

    public static GrainId Create(string type, string key) => new(type, key);

    public static GrainId Create(string type, long key) => new(type, key.ToString(CultureInfo.InvariantCulture));

    /// <summary>The key of a grain addressed through <see cref="IGrainWithIntegerKey"/>.</summary>
    public long GetIntegerKey() =>
        long.TryParse(Key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)
            ? key
            : throw new FormatException($"Grain {this} has no integer key.");

    public override string ToString() => $"{Type}/{Key}";

    public static GrainId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"Not a grain id: '{text}'.");

    public static bool TryParse([NotNullWhen(true)] string? text, out GrainId id)
    {
        var slash = text?.IndexOf('/') ?? -1;
        if (slash <= 0)
        {
            id = default;
            return false;
        }
        id = new GrainId(text![..slash], text[(slash + 1)..]);
        return true;
    }
}
