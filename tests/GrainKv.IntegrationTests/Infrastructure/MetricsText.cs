using System.Globalization;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// Reads series out of a /metrics page in Prometheus' text format. A series without labels may be written
/// <c>name value</c> or <c>name{} value</c> (OpenTelemetry's exporter writes the second); both read the same.
/// </summary>
public static class MetricsText
{
    /// <summary>The value of <paramref name="series"/> (a name, or a name with its labels as written), or null if absent.</summary>
    public static double? Value(string metrics, string series)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith('#')) continue;
            var separator = line.LastIndexOf(' ');
            if (separator < 0) continue;
            var name = line[..separator];
            if (name.EndsWith("{}", StringComparison.Ordinal)) name = name[..^2];
            if (name == series) return double.Parse(line[(separator + 1)..], CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>The value of <paramref name="series"/>, which must be there.</summary>
    public static double Required(string metrics, string series) =>
        Value(metrics, series) ?? throw new InvalidOperationException($"no series {series} in /metrics:\n{metrics}");
}
