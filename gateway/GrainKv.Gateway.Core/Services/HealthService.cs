using Grpc.Core;
using Grpc.Health.V1;

namespace GrainKv.Gateway.Services;

/// <summary>grpc.health.v1.Health: etcd registers it and answers SERVING for the whole server.</summary>
public sealed class HealthService : Health.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving });
}
