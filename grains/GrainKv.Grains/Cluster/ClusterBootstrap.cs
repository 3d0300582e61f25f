using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// The cluster as its members were bootstrapped: its id and every member with its id and peer URLs. Each silo
/// reports its own in the membership table, so that a gateway given no --initial-cluster answers with the ids the
/// silos answer with (clients compare the cluster id of every response header). The text form is JSON, with ids in
/// hex as etcdctl prints them: <c>{"clusterId":"…","members":[{"name":"infra1","id":"…","peerUrls":["http://…"]}]}</c>.
/// </summary>
public sealed record ClusterBootstrap(ulong ClusterId, IReadOnlyList<EtcdMember> Members)
{
    /// <summary>The cluster that etcd's --initial-cluster and --initial-cluster-token bootstrap, as a member's first start records it.</summary>
    public static ClusterBootstrap FromInitialCluster(string initialCluster, string token)
    {
        var members = InitialCluster.Parse(initialCluster);
        return new ClusterBootstrap(ClusterIdentity.ClusterIdOf(token, members), members);
    }

    /// <summary>The cluster a silo belongs to, with the ids its data dir keeps.</summary>
    public static ClusterBootstrap Of(ClusterIdentity identity) => new(identity.ClusterId, identity.Members);

    public string ToText()
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("clusterId", Hex(ClusterId));
            json.WriteStartArray("members");
            foreach (var member in Members)
            {
                json.WriteStartObject();
                json.WriteString("name", member.Name);
                json.WriteString("id", Hex(member.Id));
                json.WriteStartArray("peerUrls");
                foreach (var url in member.PeerUrls) json.WriteStringValue(url);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads <see cref="ToText"/>'s form; a <see cref="FormatException"/> names what is wrong.</summary>
    public static ClusterBootstrap Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var members = root.GetProperty("members").EnumerateArray().Select(member => new EtcdMember(
                Text(member.GetProperty("name")),
                ParseHex(member.GetProperty("id")),
                member.GetProperty("peerUrls").EnumerateArray().Select(Text).ToArray())).ToArray();
            if (members.Length == 0) throw new FormatException("it names no member");
            return new ClusterBootstrap(ParseHex(root.GetProperty("clusterId")), members);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new FormatException($"'{text}' is not a cluster bootstrap: {error.Message}", error);
        }
    }

    private static string Hex(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong ParseHex(JsonElement id) => ulong.Parse(Text(id), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static string Text(JsonElement value) => value.GetString() ?? throw new FormatException($"{value.GetRawText()} is no string");
}
