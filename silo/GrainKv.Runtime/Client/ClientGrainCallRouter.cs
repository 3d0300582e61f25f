using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Silo.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Client;

/// <summary>
/// A cluster client's side of grain calls: places each call on a silo (pinned, preferred, or chosen by
/// <see cref="SiloSelector"/>), sends it over that silo's connection and follows failures. A call whose
/// connection could not even be made never reached the silo, so it goes on to the next live silo unless
/// its grain is pinned. A call that broke off midway may have run: it fails with
/// <see cref="SiloUnreachableException"/>, and only the caller knows whether running it again is harmless
/// (a read) or not (a write, whose outcome is then unknown).
/// </summary>
internal sealed partial class ClientGrainCallRouter : IGrainCallSender, IDisposable
{
    private readonly ISiloDirectory _directory;
    private readonly ClusterClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly SiloSelector _selector;
    private readonly Dictionary<(string Host, int Port), (GrpcChannel Channel, SiloPeer.SiloPeerClient Client)> _connections = [];

    public ClientGrainCallRouter(ISiloDirectory directory, ClusterClientOptions options, TimeProvider time, ILogger log)
    {
        _directory = directory;
        _options = options;
        _time = time;
        _log = log;
        _selector = new SiloSelector((ulong)Random.Shared.NextInt64(), options.UnreachableDelayMin, options.UnreachableDelayMax);
    }

    public void Send(GrainCall call) => _ = CallAsync(call);

    /// <summary>Sends a call that arrived already encoded, as a gateway passes on its clients' calls.</summary>
    public async Task<GrainCallResponse> ForwardAsync(GrainCallRequest request, CancellationToken ct) =>
        (await SendAsync(new GrainId(request.GrainType, request.GrainKey), request, ct).ConfigureAwait(false)).Response;

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var connection in _connections.Values) connection.Channel.Dispose();
            _connections.Clear();
        }
    }

    private async Task CallAsync(GrainCall call)
    {
        try
        {
            var (response, silo) = await SendAsync(call.Target, GrainCallWire.ToRequest(call), CancellationToken.None).ConfigureAwait(false);
            GrainCallWire.Complete(call, response, silo);
        }
        catch (Exception error)
        {
            call.Fail(error);
        }
    }

    private async Task<(GrainCallResponse Response, SiloAddress Silo)> SendAsync(GrainId target, GrainCallRequest request, CancellationToken ct)
    {
        var pinned = _options.Placement?.PinnedSilo(target);
        var preferred = pinned is null ? _options.Placement?.PreferredSilo(target) : null;
        List<string>? tried = null;
        while (true)
        {
            var silo = pinned is not null
                ? _directory.Find(pinned) ?? throw new SiloUnreachableException($"grain {target} lives on silo '{pinned}', which is not alive.")
                : Choose(target, preferred, tried)
                    ?? throw new SiloUnreachableException(tried is null
                        ? "the directory knows no live silo."
                        : $"none of the live silos would take a connection ({string.Join(", ", tried)}).");
            SiloPeer.SiloPeerClient connection;
            lock (_gate) connection = Connection(silo.PeerAddress);
            try
            {
                var response = await connection.CallAsync(request, cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
                Reachable(silo);
                return (response, silo.PeerAddress);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                Unreachable(silo, error);
                if (pinned is not null || !error.NeverSent()) throw new SiloUnreachableException(silo.PeerAddress, error.Status.Detail, error);
                (tried ??= []).Add(silo.Name);
            }
        }
    }

    private SiloEntry? Choose(GrainId target, string? preferred, List<string>? tried)
    {
        var live = _directory.LiveSilos;
        lock (_gate) return _selector.Choose(target, live, preferred, tried ?? [], _time.GetTimestamp() * 1000 / _time.TimestampFrequency);
    }

    private void Reachable(SiloEntry silo)
    {
        bool wasUnreachable;
        lock (_gate) wasUnreachable = _selector.ReportReachable(silo.Name);
        if (wasUnreachable) LogReachable(silo.Name, silo.PeerAddress);
    }

    private void Unreachable(SiloEntry silo, RpcException error)
    {
        bool news;
        lock (_gate) news = _selector.ReportUnreachable(silo.Name, _time.GetTimestamp() * 1000 / _time.TimestampFrequency);
        if (news) LogUnreachable(silo.Name, silo.PeerAddress, error.Reason());
    }

    /// <summary>The connection to a silo's endpoint, made on first use; a silo restarted at the same endpoint keeps it.</summary>
    private SiloPeer.SiloPeerClient Connection(SiloAddress silo)
    {
        if (!_connections.TryGetValue((silo.Host, silo.Port), out var connection))
        {
            var channel = GrpcChannels.Open(new Uri($"http://{silo.Host}:{silo.Port}/"), _options.ConnectTimeout);
            connection = (channel, new SiloPeer.SiloPeerClient(channel));
            _connections.Add((silo.Host, silo.Port), connection);
        }
        return connection.Client;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} ({Address}) is unreachable, calls go to other silos for a while: {Reason}")]
    private partial void LogUnreachable(string silo, SiloAddress address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} ({Address}) is reachable again")]
    private partial void LogReachable(string silo, SiloAddress address);
}
