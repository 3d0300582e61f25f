namespace GrainKv.Runtime.Cluster;

/// <summary>
/// A fixed list of silos, every one of them counted as alive: the directory of a single node, of tests, and
/// of a cluster given by --initial-cluster. Callers find out for themselves which silos answer.
/// </summary>
public sealed class StaticSiloDirectory : ISiloDirectory
{
    private readonly Dictionary<string, SiloEntry> _byName = new(StringComparer.Ordinal);

    public StaticSiloDirectory(IEnumerable<SiloEntry> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        foreach (var silo in silos)
        {
            ArgumentException.ThrowIfNullOrEmpty(silo.Name, nameof(silos));
            if (!_byName.TryAdd(silo.Name, silo)) throw new ArgumentException($"Two silos are named '{silo.Name}'.", nameof(silos));
        }
        LiveSilos = _byName.Values.OrderBy(silo => silo.Name, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<SiloEntry> LiveSilos { get; }

    public SiloEntry? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The silos of etcd's --initial-cluster form, "name=http://host:port,…" (<see cref="StaticMembership.Parse"/>),
    /// with their etcd client URLs when <paramref name="clientUrls"/> gives them, one per silo in the same order.
    /// </summary>
    public static StaticSiloDirectory Parse(string initialCluster, IReadOnlyList<Uri>? clientUrls = null)
    {
        var members = StaticMembership.ParseMembers(initialCluster);
        if (clientUrls is { Count: > 0 } && clientUrls.Count != members.Count)
        {
            throw new ArgumentException($"{clientUrls.Count} client URLs for {members.Count} silos; give one per silo, in the order of the silos.",
                nameof(clientUrls));
        }
        return new StaticSiloDirectory(members.Select((member, i) =>
            new SiloEntry(member.Name, member.Address, clientUrls is { Count: > 0 } ? clientUrls[i] : null)));
    }
}
