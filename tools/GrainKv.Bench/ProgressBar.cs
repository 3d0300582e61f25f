using System.Globalization;

namespace GrainKv.Bench;

/// <summary>
/// A one-line plain-text progress bar, redrawn in place with a carriage return. The fraction done is the larger of
/// requests over the request bound and time over the time bound, because the run stops at whichever it reaches first.
/// </summary>
public static class ProgressBar
{
    private const int BarWidth = 30;

    public static string Format(long completed, long? totalRequests, TimeSpan elapsed, TimeSpan? duration)
    {
        double byCount = totalRequests is { } total and > 0 ? (double)completed / total : 0;
        double byTime = duration is { } limit && limit > TimeSpan.Zero ? elapsed / limit : 0;
        double fraction = Math.Clamp(Math.Max(byCount, byTime), 0, 1);
        int filled = (int)(fraction * BarWidth);
        double rate = elapsed > TimeSpan.Zero ? completed / elapsed.TotalSeconds : 0;
        string count = totalRequests is { } bound ? $"{completed}/{bound}" : $"{completed}";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:F0}% {count} {rate:F0} req/s {elapsed.TotalSeconds:F1}s ");
    }
}
