using System.Diagnostics.CodeAnalysis;

namespace GrainKv.Raft;

/// <summary>
/// Checks that stay on in Release: a broken Raft invariant means the replica must stop loudly
/// rather than apply or acknowledge something unsafe.
/// </summary>
public static class Invariant
{
    public static void Check([DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition) Fail(message);
    }

    [DoesNotReturn]
    private static void Fail(string message) => throw new RaftInvariantException(message);
}

/// <summary>A Raft safety invariant was violated: a bug, never an expected outcome.</summary>
public sealed class RaftInvariantException(string message) : Exception(message);
