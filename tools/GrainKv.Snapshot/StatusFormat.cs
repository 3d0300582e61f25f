using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrainKv.Snapshot;

/// <summary>
/// <see cref="SnapshotStatus"/> printed as etcdctl 3.4 prints its snapshot status: -w simple (the default), table
/// or json, with the hash in hex and the size in SI units (go-humanize's Bytes) outside json.
/// </summary>
public static class StatusFormat
{
    public const string Simple = "simple";
    public const string Table = "table";
    public const string Json = "json";

    private static readonly string[] Headers = ["hash", "revision", "total keys", "total size"];
    private static readonly string[] SiUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    public static string Print(SnapshotStatus status, string format) => format switch
    {
        Json => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["hash"] = status.Hash,
            ["revision"] = status.Revision,
            ["totalKey"] = status.TotalKeys,
            ["totalSize"] = status.TotalBytes,
        }) + "\n",
        Table => TableOf(Cells(status)),
        _ => string.Join(", ", Cells(status)) + "\n",
    };

    /// <summary>go-humanize's Bytes: one decimal below 10 of a unit, none above.</summary>
    public static string HumanBytes(long bytes)
    {
        if (bytes < 10) return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
        var exponent = (int)Math.Floor(Math.Log(bytes) / Math.Log(1000));
        var value = Math.Floor(bytes / Math.Pow(1000, exponent) * 10 + 0.5) / 10;
        return value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + SiUnits[exponent];
    }

    private static string[] Cells(SnapshotStatus status) =>
    [
        status.Hash.ToString("x", CultureInfo.InvariantCulture),
        status.Revision.ToString(CultureInfo.InvariantCulture),
        status.TotalKeys.ToString(CultureInfo.InvariantCulture),
        HumanBytes(status.TotalBytes),
    ];

    /// <summary>etcdctl's table: headers upper-cased and centred (the odd space on the right), cells right-aligned.</summary>
    private static string TableOf(string[] cells)
    {
        var widths = Headers.Zip(cells, (header, cell) => Math.Max(header.Length, cell.Length)).ToArray();
        var rule = "+" + string.Join("+", widths.Select(width => new string('-', width + 2))) + "+\n";
        var text = new StringBuilder(rule);
        text.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            var left = (widths[i] - Headers[i].Length) / 2;
            text.Append(' ').Append(' ', left).Append(Headers[i].ToUpperInvariant()).Append(' ', widths[i] - Headers[i].Length - left).Append(" |");
        }
        text.Append('\n').Append(rule).Append('|');
        for (var i = 0; i < widths.Length; i++) text.Append(' ').Append(cells[i].PadLeft(widths[i])).Append(" |");
        return text.Append('\n').Append(rule).ToString();
    }
}
