namespace GrainKv.Runtime.Grpc;

/// <summary>One registered method: how to read its requests, call the handler and write its responses.</summary>
internal abstract class GrpcMethodHandler
{
    /// <summary>False for the placeholders that answer Unimplemented, which real handlers may replace.</summary>
    public virtual bool IsImplemented => true;

    /// <summary>Runs the call; returning means status OK, an exception carries the failure.</summary>
    public abstract Task HandleAsync(GrpcServerCall call);
}
