namespace GrainKv.Mvcc;

/// <summary>Checks that stay on in Release: a broken MVCC invariant must stop the replica loudly.</summary>
internal static class Invariant
{
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            Fail(message);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string message) => throw new InvalidOperationException("MVCC invariant violated: " + message);
}
