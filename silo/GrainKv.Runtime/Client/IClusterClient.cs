namespace GrainKv.Runtime.Client;

/// <summary>
/// A process that is not a silo and calls grains on the cluster's silos (Orleans' IClusterClient): grain
/// references from it send their calls to the silos an <see cref="Cluster.ISiloDirectory"/> finds.
/// </summary>
public interface IClusterClient : IGrainFactory, IAsyncDisposable;
