using System.Globalization;

namespace GrainKv.Grains;

/// <summary>A Go duration as etcd's flags take them: "500ms", "30m", "1h30m", "10s".</summary>
public static class GoDuration
{
    public static TimeSpan Parse(string text)
    {
        var total = TimeSpan.Zero;
        var rest = text.AsSpan();
        if (rest.IsEmpty) throw new FormatException("an empty duration");
        // Go's time.ParseDuration takes a bare "0" (etcd's flags print their zero defaults as "0s", users write "0").
        if (rest is "0") return TimeSpan.Zero;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.')) digits++;
            var units = digits;
            while (units < rest.Length && char.IsAsciiLetter(rest[units])) units++;
            if (digits == 0 || units == digits) throw new FormatException($"invalid duration '{text}'");
            var value = double.Parse(rest[..digits], NumberStyles.Float, CultureInfo.InvariantCulture);
            total += rest[digits..units] switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                _ => throw new FormatException($"invalid duration unit in '{text}'"),
            };
            rest = rest[units..];
        }
        return total;
    }
}
