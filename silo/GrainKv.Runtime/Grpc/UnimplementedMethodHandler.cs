namespace GrainKv.Runtime.Grpc;

/// <summary>Stands in for a method of a declared service that has no handler yet, so it exists on the wire.</summary>
internal sealed class UnimplementedMethodHandler(string path) : GrpcMethodHandler
{
    public override bool IsImplemented => false;

    public override Task HandleAsync(GrpcServerCall call) =>
        Task.FromException(new RpcException(StatusCode.Unimplemented, $"grainkv: method {path} is not implemented"));
}
