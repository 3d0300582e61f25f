namespace GrainKv.Grains.Cluster;

/// <summary>
/// etcd's --initial-cluster: <c>name=peer-url,name=peer-url,…</c>; a name may appear several times
/// for a member with several peer URLs. Members keep the order of their first appearance.
/// </summary>
public static class InitialCluster
{
    public static IReadOnlyList<EtcdMember> Parse(string text)
    {
        var urlsByName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=');
            if (equals <= 0 || equals == item.Length - 1)
            {
                throw new FormatException($"--initial-cluster entry '{item}' is not name=peer-url");
            }
            var name = item[..equals];
            var url = item[(equals + 1)..].TrimEnd('/');
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttp)
            {
                throw new FormatException($"--initial-cluster peer URL '{url}' of '{name}' is not an http:// URL");
            }
            if (!urlsByName.TryGetValue(name, out var urls))
            {
                urlsByName[name] = urls = [];
                order.Add(name);
            }
            urls.Add(url);
        }
        if (order.Count == 0) throw new FormatException("--initial-cluster names no member");
        return order.Select(name => EtcdMember.Create(name, urlsByName[name])).ToArray();
    }
}
