namespace GrainKv.Bench;

/// <summary>
/// When a lease-keepalive run starts granting, and its measured window after the grants and the warm-up, on the
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp scale. No keep-alive is sent at or after <see cref="WindowEnd"/>.
/// </summary>
public readonly record struct KeepAliveTimeline(long Start, long WindowStart, long WindowEnd);
