namespace GrainKv.Runtime.Cluster;

/// <summary>
/// The exception a grain call ended with on another silo. <see cref="Exception.Message"/> is the remote
/// exception's message as it was; <see cref="ExceptionType"/> names its type there.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(SiloAddress silo, string exceptionType, string message)
        : base(message)
    {
        Silo = silo;
        ExceptionType = exceptionType;
    }

    public SiloAddress Silo { get; }

    /// <summary>The full type name of the exception on the remote silo, e.g. "System.InvalidOperationException".</summary>
    public string ExceptionType { get; }

    public override string ToString() => $"{nameof(RemoteGrainException)}: {ExceptionType} on silo {Silo}: {Message}";
}
