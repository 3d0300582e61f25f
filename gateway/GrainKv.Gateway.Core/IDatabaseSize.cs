namespace GrainKv.Gateway;

/// <summary>The size of the silo's storage on disk, for Maintenance.Status's dbSize.</summary>
public interface IDatabaseSize
{
    long Bytes { get; }
}
