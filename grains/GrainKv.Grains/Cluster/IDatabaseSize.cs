namespace GrainKv.Grains.Cluster;

/// <summary>The size of the silo's storage, for Maintenance.Status's dbSize and the backend quota.</summary>
public interface IDatabaseSize
{
    long Bytes { get; }
}
