using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GrainKv.Runtime;

/// <summary>
/// One incarnation of a silo: where it listens and a generation that grows with every restart, so
/// a restarted silo at the same endpoint is a different silo. Formatted "host:port@generation".
/// </summary>
public readonly record struct SiloAddress
{
    public SiloAddress(string host, int port, int generation)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Host = host;
        Port = port;
        Generation = generation;
    }

    public string Host { get; }

    public int Port { get; }

    public int Generation { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");

    public static SiloAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"Not a silo address: '{text}'.");

    public static bool TryParse([NotNullWhen(true)] string? text, out SiloAddress address)
    {
        address = default;
        if (text is null) return false;
        var at = text.LastIndexOf('@');
        if (at < 0) return false;
        var colon = text.LastIndexOf(':', at);
        // An IPv6 host keeps its colons inside brackets: "[::1]:11111@7".
        if (colon <= 0 || text[..colon].Contains(':') && !(text[0] == '[' && text[colon - 1] == ']')) return false;
        if (!int.TryParse(text.AsSpan(colon + 1, at - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port > 65535
            || !int.TryParse(text.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }
        address = new SiloAddress(text[..colon], port, generation);
        return true;
    }
}
