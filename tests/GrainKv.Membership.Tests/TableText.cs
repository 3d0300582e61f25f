using System.Globalization;

namespace GrainKv.Membership.Tests;

/// <summary>
/// Membership tables written as text for table tests: rows separated by ';', each
/// "name@generation Status silence [storage] [cluster=bootstrap]", silence being the seconds since its last heartbeat,
/// e.g. "a@1 Active 0; b@1 Active 11 pg-1 cluster=x". The table's clock reads <see cref="Now"/>; the rows' peer port is
/// the generation.
/// </summary>
internal static class TableText
{
    public static readonly DateTime Now = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    public static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(10);

    private const string BootstrapPrefix = "cluster=";

    public static MembershipSnapshot Parse(string rows, long version = 7) =>
        new(version, Now, rows.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseRow).ToArray());

    public static SiloIncarnation Silo(string text)
    {
        var at = text.IndexOf('@');
        return new SiloIncarnation(text[..at], int.Parse(text[(at + 1)..], CultureInfo.InvariantCulture));
    }

    private static MembershipRow ParseRow(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var silo = Silo(parts[0]);
        var heartbeat = Now - TimeSpan.FromSeconds(double.Parse(parts[2], CultureInfo.InvariantCulture));
        var bootstrap = parts.Skip(3).FirstOrDefault(part => part.StartsWith(BootstrapPrefix, StringComparison.Ordinal));
        return new MembershipRow(silo, "10.0.0.1", silo.Generation, new Uri($"http://10.0.0.1:{2000 + silo.Generation}"),
            StorageIdentity: parts.Skip(3).FirstOrDefault(part => part != bootstrap), Enum.Parse<SiloStatus>(parts[1]),
            StartTime: Now - TimeSpan.FromHours(1), IAmAliveTime: heartbeat, StatusChangedTime: Now - TimeSpan.FromHours(1),
            StatusChangedBy: silo.ToString(), Bootstrap: bootstrap?[BootstrapPrefix.Length..]);
    }
}
