using GrainKv.Grains.Cluster;

namespace GrainKv.Gateway;

/// <summary>
/// A gateway has no storage of its own: Maintenance.Status reports a dbSize of 0, and the backend quota is
/// not checked at the gateway.
/// </summary>
internal sealed class UnknownDatabaseSize : IDatabaseSize
{
    public long Bytes => 0;
}
