using System.Collections.Concurrent;
using GrainKv.Runtime.Cluster;
using GrainKv.Silo.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Runtime.Client;

/// <summary>
/// The cluster client: typed grain references whose calls go to the silos <see cref="Directory"/> lists,
/// each grain's interface naming its grain type as the silos' classes do (<c>IRaftGroupGrain</c> calls
/// grain type "raftgroup"). It hosts no grains; a call to a silo that is gone fails over as
/// <see cref="ClientGrainCallRouter"/> describes.
/// </summary>
public sealed class ClusterClient : IClusterClient, IDisposable
{
    private readonly ClientGrainCallRouter _router;
    private readonly GrainFactory _grains;

    public ClusterClient(ISiloDirectory directory, ClusterClientOptions? options = null, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory = directory;
        _router = new ClientGrainCallRouter(directory, options ?? new ClusterClientOptions(), time ?? TimeProvider.System,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger<ClusterClient>());
        var interfaces = new ConcurrentDictionary<Type, GrainInterface>();
        _grains = new GrainFactory(type => interfaces.GetOrAdd(type, static t => new GrainInterface(t, GrainClass.GrainTypeOfInterface(t))), _router);
    }

    /// <summary>Where the silos are found.</summary>
    public ISiloDirectory Directory { get; }

    /// <summary>The grain type a grain interface's references call: the type of the class named like it ("raftgroup" for IRaftGroupGrain).</summary>
    public static string GrainTypeOf<TGrainInterface>() where TGrainInterface : IGrain => GrainClass.GrainTypeOfInterface(typeof(TGrainInterface));

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey => _grains.GetGrain<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey => _grains.GetGrain<TGrainInterface>(key);

    /// <summary>
    /// Sends a grain call that arrived already encoded (a gateway passing on its own clients' calls), placed
    /// and failed over like the client's own calls.
    /// </summary>
    public Task<GrainCallResponse> ForwardAsync(GrainCallRequest request, CancellationToken ct) => _router.ForwardAsync(request, ct);

    public void Dispose() => _router.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
