using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The <c>grpc-timeout</c> header: 1 to 8 ASCII digits followed by a unit, H M S m u n. Parse errors carry
/// grpc-go's texts, which the server wraps as "transport: malformed time-out: ...".
/// </summary>
public static class GrpcTimeout
{
    private const int DigitsMax = 8;
    private const long ValueMax = 99_999_999;
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static bool TryParse(string value, out TimeSpan timeout, [NotNullWhen(false)] out string? error)
    {
        timeout = default;
        if (value.Length < 2)
        {
            error = $"transport: timeout string is too short: \"{value}\"";
            return false;
        }

        if (value.Length > DigitsMax + 1)
        {
            error = $"transport: timeout string is too long: \"{value}\"";
            return false;
        }

        long? ticksPerUnit = TicksPerUnit(value[^1]);
        if (ticksPerUnit is null)
        {
            error = $"transport: timeout unit is not recognized: \"{value}\"";
            return false;
        }

        long amount = 0;
        foreach (char digit in value.AsSpan(0, value.Length - 1))
        {
            if (!char.IsAsciiDigit(digit))
            {
                error = $"strconv.ParseInt: parsing \"{value[..^1]}\": invalid syntax";
                return false;
            }

            amount = amount * 10 + (digit - '0');
        }

        // Nanoseconds are finer than a tick: round up so a tiny positive timeout is not read as zero.
        timeout = ticksPerUnit == 0 ? TimeSpan.FromTicks((amount + 99) / 100) : TimeSpan.FromTicks(amount * ticksPerUnit.Value);
        error = null;
        return true;
    }

    /// <summary>The finest unit whose value fits in 8 digits, as grpc clients send it; negative timeouts send 0.</summary>
    public static string Format(TimeSpan timeout)
    {
        long ticks = Math.Max(0, timeout.Ticks);
        if (ticks <= ValueMax / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        foreach (var (unit, ticksPerUnit) in CoarserUnits)
        {
            long amount = ticks / ticksPerUnit + (ticks % ticksPerUnit == 0 ? 0 : 1);
            if (amount <= ValueMax)
            {
                return amount.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return ValueMax.ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static readonly (char Unit, long TicksPerUnit)[] CoarserUnits =
    [
        ('u', TicksPerMicrosecond),
        ('m', TimeSpan.TicksPerMillisecond),
        ('S', TimeSpan.TicksPerSecond),
        ('M', TimeSpan.TicksPerMinute),
        ('H', TimeSpan.TicksPerHour),
    ];

    /// <summary>0 stands for nanoseconds, which are a hundredth of a tick.</summary>
    private static long? TicksPerUnit(char unit) => unit switch
    {
        'H' => TimeSpan.TicksPerHour,
        'M' => TimeSpan.TicksPerMinute,
        'S' => TimeSpan.TicksPerSecond,
        'm' => TimeSpan.TicksPerMillisecond,
        'u' => TicksPerMicrosecond,
        'n' => 0,
        _ => null,
    };
}
