using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrainKv.Runtime.Grpc;

public static class GoWireBinding
{
    /// <summary>
    /// Grpc.AspNetCore, with every service of this host bound by <see cref="GoWireServiceMethodProvider{TService}"/>
    /// in place of Grpc.AspNetCore's own binder. Safe to call more than once.
    /// </summary>
    public static IGrpcServerBuilder AddGrpcWithGoWire(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        var grpc = configure is null ? services.AddGrpc() : services.AddGrpc(configure);
        var aspNetCoreBinder = services.SingleOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal) == true);
        // AddGrpc puts Grpc.AspNetCore's binder back each time it is called.
        if (aspNetCoreBinder is not null) services.Remove(aspNetCoreBinder);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(GoWireServiceMethodProvider<>)));
        return grpc;
    }
}
