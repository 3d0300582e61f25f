namespace GrainKv.Bench;

/// <summary>Where a run connects: its endpoints and the HTTP/2 connections shared out over them.</summary>
public sealed record ConnectionSettings(IReadOnlyList<Uri> Endpoints, int Connections)
{
    /// <summary>Opens the run's connections (the command line ensures there are at least as many as endpoints). The caller disposes them.</summary>
    public EtcdConnections Open() => new(Endpoints, Connections);
}
