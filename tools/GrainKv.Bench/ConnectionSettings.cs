using GrainKv.Runtime.Grpc;

namespace GrainKv.Bench;

/// <summary>Where a run connects: its endpoints and the HTTP/2 connections shared out over them.</summary>
public sealed record ConnectionSettings(IReadOnlyList<Uri> Endpoints, int Connections)
{
    /// <summary>
    /// One <see cref="GrpcClient"/> per endpoint, the connections shared out among them as evenly as possible
    /// (the command line ensures there are at least as many connections as endpoints). The caller disposes them.
    /// </summary>
    public GrpcClient[] OpenClients() => Endpoints
        .Select((endpoint, i) => new GrpcClient(endpoint, Connections / Endpoints.Count + (i < Connections % Endpoints.Count ? 1 : 0)))
        .ToArray();
}
