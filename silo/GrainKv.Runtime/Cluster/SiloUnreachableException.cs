namespace GrainKv.Runtime.Cluster;

/// <summary>A grain call could not reach the silo its grain is placed on; the grain did not run it.</summary>
public sealed class SiloUnreachableException : Exception
{
    public SiloUnreachableException(SiloAddress silo, string reason, Exception? innerException = null)
        : base($"Silo {silo} is unreachable: {reason}", innerException)
    {
        Silo = silo;
    }

    public SiloAddress Silo { get; }
}
