namespace GrainKv.Grains.Cluster;

/// <summary>
/// Whether this process may call grains yet. A silo may once its Orleans silo is active and its replicas are started
/// (<see cref="Replication.ShardActivator"/>): a shard's front door placed before then would land on another silo,
/// and Orleans would keep sending this silo's requests there. A stand-alone gateway may as soon as its client is connected.
/// </summary>
public sealed class GrainCallsReady
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static GrainCallsReady Already()
    {
        var ready = new GrainCallsReady();
        ready.Set();
        return ready;
    }

    public Task WhenReady => _ready.Task;

    public void Set() => _ready.TrySetResult();
}
