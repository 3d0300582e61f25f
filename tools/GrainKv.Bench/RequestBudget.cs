namespace GrainKv.Bench;

/// <summary>
/// Hands request numbers (0, 1, 2, ...) to the clients of one phase until its bound is reached: a request count,
/// a deadline on the <see cref="System.Diagnostics.Stopwatch"/> timestamp scale, or whichever comes first.
/// </summary>
public sealed class RequestBudget(long totalRequests, long deadlineTimestamp)
{
    public const long Unbounded = long.MaxValue;

    private long _issued;

    /// <summary>How many request numbers were handed out.</summary>
    public long Issued => Math.Min(Volatile.Read(ref _issued), totalRequests);

    public bool TryTake(long nowTimestamp, out long requestNumber)
    {
        requestNumber = -1;
        if (nowTimestamp >= deadlineTimestamp || Volatile.Read(ref _issued) >= totalRequests)
        {
            return false;
        }

        long taken = Interlocked.Increment(ref _issued) - 1;
        if (taken >= totalRequests)
        {
            return false;
        }

        requestNumber = taken;
        return true;
    }
}
