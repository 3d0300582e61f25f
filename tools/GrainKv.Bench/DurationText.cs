using System.CommandLine;
using System.Globalization;

namespace GrainKv.Bench;

/// <summary>Durations written as etcd's tools write them: a positive number and a unit, "500ms", "30s", "2m", "1h".</summary>
public static class DurationText
{
    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    public static TimeSpan? TryParse(string text)
    {
        foreach (var (suffix, seconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount)
                && amount > 0)
            {
                return TimeSpan.FromSeconds(amount * seconds);
            }
        }

        return null;
    }

    /// <summary>An option whose value is a duration in this form; a value in any other form is a parse error.</summary>
    public static Option<TimeSpan?> CreateOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            TimeSpan? duration = TryParse(text);
            if (duration is null)
            {
                result.AddError($"{name} '{text}' is not a positive number followed by ms, s, m or h");
            }

            return duration;
        },
    };
}
