using System.Globalization;

namespace GrainKv.Membership.Tests;

/// <summary>
/// Membership tables written as text for table tests: rows separated by ';', each
/// "name@generation Status silence [storage] [cluster=bootstrap] [changed=seconds]", silence being the seconds since its
/// last heartbeat and changed the seconds since its status changed (an hour if not given),
/// e.g. "a@1 Active 0; b@1 Active 11 pg-1 cluster=x; c@1 Dead 50 changed=40". The table's clock reads <see cref="Now"/>;
/// the rows' peer port is the generation.
/// </summary>
internal static class TableText
{
    public static readonly DateTime Now = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    public static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(10);

    private const string BootstrapPrefix = "cluster=";

    private const string ChangedPrefix = "changed=";

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
        var heartbeat = Now - Seconds(parts[2]);
        var options = parts.Skip(3).ToArray();
        var bootstrap = Tagged(options, BootstrapPrefix);
        var changed = Tagged(options, ChangedPrefix) is { } seconds ? Now - Seconds(seconds) : Now - TimeSpan.FromHours(1);
        return new MembershipRow(silo, "10.0.0.1", silo.Generation, new Uri($"http://10.0.0.1:{2000 + silo.Generation}"),
            StorageIdentity: options.FirstOrDefault(part => !part.Contains('=')), Enum.Parse<SiloStatus>(parts[1]),
            StartTime: Now - TimeSpan.FromHours(1), IAmAliveTime: heartbeat, StatusChangedTime: changed,
            StatusChangedBy: silo.ToString(), Bootstrap: bootstrap);
    }

    private static string? Tagged(string[] options, string prefix) =>
        options.FirstOrDefault(part => part.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    private static TimeSpan Seconds(string text) => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));
}
