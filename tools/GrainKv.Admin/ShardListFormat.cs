using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrainKv.Admin.Protocol;

namespace GrainKv.Admin;

/// <summary>
/// How <c>shards list</c> prints: a table for people; JSON for scripts, an array with one object per shard (keys in
/// base64 as etcdctl's JSON has them, the last shard's end empty, member ids as numbers).
/// </summary>
public static class ShardListFormat
{
    public const string Table = "table";
    public const string Json = "json";

    public static string Print(ListShardsResponse list, string format) => format == Json ? ToJson(list) : ToTable(list);

    public static string ToJson(ListShardsResponse list)
    {
        var shards = new JsonArray();
        foreach (var shard in list.Shards)
        {
            shards.Add(new JsonObject
            {
                ["id"] = shard.Id,
                ["start"] = shard.Start.ToBase64(),
                ["end"] = shard.End.ToBase64(),
                ["replicas"] = new JsonArray(shard.Replicas.Select(r => (JsonNode)r).ToArray()),
                ["leader"] = shard.Leader,
                ["size"] = shard.Size,
                ["revision"] = shard.Revision,
                ["map_version"] = list.MapVersion,
            });
        }
        return shards.ToJsonString() + "\n";
    }

    public static string ToTable(ListShardsResponse list)
    {
        string[] header = ["SHARD", "START", "END", "REPLICAS", "LEADER", "SIZE", "REVISION"];
        var rows = list.Shards.Select(shard => new[]
        {
            shard.Id.ToString(CultureInfo.InvariantCulture),
            Show(shard.Start.Span, "(start)"),
            Show(shard.End.Span, "(end)"),
            string.Join(",", shard.Replicas.Select(r => r.ToString("x", CultureInfo.InvariantCulture))),
            shard.Leader == 0 ? "(none)" : shard.Leader.ToString("x", CultureInfo.InvariantCulture),
            shard.Size.ToString(CultureInfo.InvariantCulture),
            shard.Revision.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var line = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+\n";
        var text = new StringBuilder(line);
        text.Append(Row(header, widths)).Append(line);
        foreach (var row in rows) text.Append(Row(row, widths));
        return text.Append(line).ToString();
    }

    private static string Row(string[] cells, int[] widths) =>
        "| " + string.Join(" | ", cells.Select((cell, i) => cell.PadRight(widths[i]))) + " |\n";

    /// <summary>A key as text when it is printable ASCII, else its base64.</summary>
    private static string Show(ReadOnlySpan<byte> key, string whenEmpty)
    {
        if (key.IsEmpty) return whenEmpty;
        foreach (var b in key)
        {
            if (b is < 0x20 or > 0x7E) return Convert.ToBase64String(key);
        }
        return JsonSerializer.Serialize(Encoding.ASCII.GetString(key));
    }
}
