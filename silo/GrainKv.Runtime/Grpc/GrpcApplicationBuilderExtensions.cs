using Microsoft.AspNetCore.Builder;

namespace GrainKv.Runtime.Grpc;

public static class GrpcApplicationBuilderExtensions
{
    /// <summary>Serves <paramref name="registry"/> for gRPC requests; anything else goes on down the pipeline.</summary>
    public static IApplicationBuilder UseGrpcServices(this IApplicationBuilder app, GrpcServiceRegistry registry, GrpcServerOptions? options = null) =>
        app.UseMiddleware<GrpcServerMiddleware>(registry, options ?? new GrpcServerOptions());
}
