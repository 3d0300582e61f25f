using Etcdserverpb;
using GrainKv.Client;
using GrainKv.Gateway.Routing;
using Microsoft.Extensions.Logging;

namespace GrainKv.Gateway;

/// <summary>
/// Watch streams for a gateway, which has no replica: each is relayed from a silo's own Watch service, and
/// moves to another silo without a gap or a repeat when that silo goes (<see cref="ResumableWatchStream"/>).
/// Every silo holds a replica of every shard today, so any silo serves any shard's watches.
/// </summary>
internal sealed class RelayWatchSource(EtcdEndpoints silos, ILoggerFactory loggers) : IWatchSource
{
    public IWatchStream Open(ulong shardId) => new RelayedStream(new ResumableWatchStream(silos, log: loggers.CreateLogger<ResumableWatchStream>()));

    private sealed class RelayedStream(ResumableWatchStream stream) : IWatchStream
    {
        public void Send(WatchRequest request) => stream.Send(request);

        public Task<IReadOnlyList<WatchResponse>> ReceiveAsync(CancellationToken ct) => stream.ReceiveAsync(ct);

        public void Dispose() => stream.Dispose();
    }
}
