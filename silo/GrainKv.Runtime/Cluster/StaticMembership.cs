namespace GrainKv.Runtime.Cluster;

/// <summary>
/// The silos of the cluster as --initial-cluster names them, fixed at startup, and which of them this silo is.
/// </summary>
public sealed class StaticMembership
{
    private readonly Dictionary<string, SiloMember> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerAddress, SiloMember> _byAddress = [];

    public StaticMembership(IEnumerable<SiloMember> members, string localName)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentException.ThrowIfNullOrEmpty(localName);
        var list = new List<SiloMember>();
        foreach (var member in members)
        {
            ArgumentException.ThrowIfNullOrEmpty(member.Name, nameof(members));
            if (!_byName.TryAdd(member.Name, member))
            {
                throw new ArgumentException($"Two silos are named '{member.Name}'.", nameof(members));
            }
            if (!_byAddress.TryAdd(member.Address, member))
            {
                throw new ArgumentException($"Silos '{_byAddress[member.Address].Name}' and '{member.Name}' have the same address {member.Address}.", nameof(members));
            }
            list.Add(member);
        }
        Members = list;
        Local = _byName.TryGetValue(localName, out var local)
            ? local
            : throw new ArgumentException($"This silo, '{localName}', is not among the members: {string.Join(", ", _byName.Keys)}.", nameof(localName));
    }

    public IReadOnlyList<SiloMember> Members { get; }

    /// <summary>This silo.</summary>
    public SiloMember Local { get; }

    /// <summary>Every member but this silo.</summary>
    public IEnumerable<SiloMember> Peers => Members.Where(member => member != Local);

    /// <summary>
    /// Parses etcd's --initial-cluster form, "name=http://host:port,name=http://host:port", the URL being
    /// where each silo serves silo-to-silo gRPC.
    /// </summary>
    public static StaticMembership Parse(string initialCluster, string localName) => new(ParseMembers(initialCluster), localName);

    /// <summary>The members of etcd's --initial-cluster form, in their order; <see cref="Parse"/> says what is accepted.</summary>
    public static IReadOnlyList<SiloMember> ParseMembers(string initialCluster)
    {
        ArgumentNullException.ThrowIfNull(initialCluster);
        var members = new List<SiloMember>();
        foreach (var entry in initialCluster.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"Not a cluster member: '{entry}'; expected name=http://host:port.");
            }
            members.Add(new SiloMember(entry[..equals], ParseUrl(entry[(equals + 1)..])));
        }
        return members;
    }

    public SiloMember? FindByName(string name) => _byName.GetValueOrDefault(name);

    public SiloMember? FindByAddress(PeerAddress address) => _byAddress.GetValueOrDefault(address);

    private static PeerAddress ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
            || url.AbsolutePath != "/" || url.Query.Length > 0)
        {
            throw new FormatException($"Not a silo URL: '{text}'; expected http://host:port.");
        }
        return new PeerAddress(url.Host, url.Port);
    }
}
