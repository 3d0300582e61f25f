using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GrainKv;

/// <summary>
/// Checks that stay on in Release, shared by every core: a broken Raft or MVCC invariant means the
/// replica must stop loudly rather than apply or acknowledge something unsafe.
/// </summary>
public static class Invariant
{
    public static void Check([DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition) Fail(message);
    }

    /// <summary>
    /// As <see cref="Check(bool, string)"/>, for an interpolated message: it is formatted only when the check fails,
    /// so checks on the write path (one per appended entry) cost no string.
    /// </summary>
    public static void Check([DoesNotReturnIf(false)] bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref InvariantMessage message)
    {
        if (!condition) Fail(message.ToStringAndClear());
    }

    [DoesNotReturn]
    private static void Fail(string message) => throw new InvariantViolationException(message);
}

/// <summary>A safety invariant was violated: a bug, never an expected outcome.</summary>
public sealed class InvariantViolationException(string message) : Exception(message);
