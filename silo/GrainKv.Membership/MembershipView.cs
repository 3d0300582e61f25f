using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Membership;

/// <summary>
/// The silo directory as the latest read of the membership table shows it: the serving silos (active,
/// heartbeating, newest incarnation of their name). Updated by whoever reads the table; read from any thread.
/// </summary>
public sealed class MembershipView(TimeSpan deathTimeout) : ISiloDirectory
{
    private volatile Entries _entries = new([], new Dictionary<string, SiloEntry>(StringComparer.Ordinal));

    public IReadOnlyList<SiloEntry> LiveSilos => _entries.Live;

    public SiloEntry? Find(string name) => _entries.ByName.GetValueOrDefault(name);

    public void Update(MembershipSnapshot snapshot)
    {
        var live = MembershipRules.Serving(snapshot, deathTimeout)
            .Select(row => new SiloEntry(row.Silo.Name, new SiloAddress(row.PeerHost, row.PeerPort, row.Silo.Generation), row.ClientUrl))
            .ToArray();
        _entries = new Entries(live, live.ToDictionary(entry => entry.Name, StringComparer.Ordinal));
    }

    private sealed record Entries(IReadOnlyList<SiloEntry> Live, Dictionary<string, SiloEntry> ByName);
}
