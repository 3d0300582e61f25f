using GrainKv.Runtime.Grpc;
using Grpc.Net.Client;

namespace GrainKv.Client;

/// <summary>
/// The etcd endpoints a client talks to (stand-alone gateways, or silos' client URLs), one connection to
/// each, and which one to use: the current one until it fails, then the next in the list. The list may
/// change as silos come and go.
/// </summary>
public sealed class EtcdEndpoints : IDisposable
{
    private readonly Func<IReadOnlyList<Uri>> _list;
    private readonly TimeSpan _connectTimeout;
    private readonly Lock _gate = new();
    private readonly Dictionary<Uri, GrpcChannel> _connections = [];
    private Uri? _current;

    /// <param name="list">The endpoints as they are now; asked again whenever one fails.</param>
    /// <param name="connectTimeout">How long connecting may take before the endpoint counts as down.</param>
    public EtcdEndpoints(Func<IReadOnlyList<Uri>> list, TimeSpan? connectTimeout = null)
    {
        _list = list;
        _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(2);
    }

    /// <summary>A fixed list of endpoints, e.g. "http://gateway:2379"; a bare "host:port" means http.</summary>
    public static EtcdEndpoints Of(IEnumerable<string> endpoints)
    {
        var urls = endpoints.Select(ParseUrl).ToArray();
        if (urls.Length == 0) throw new ArgumentException("No endpoint given.", nameof(endpoints));
        return new EtcdEndpoints(() => urls);
    }

    /// <summary>The endpoints now.</summary>
    public IReadOnlyList<Uri> List => _list();

    /// <summary>The endpoint in use, or the first one when none is yet; null when the list is empty.</summary>
    public Uri? Current
    {
        get
        {
            var list = _list();
            lock (_gate) return _current is not null && list.Contains(_current) ? _current : _current = list.FirstOrDefault();
        }
    }

    /// <summary>
    /// <paramref name="failed"/> failed: the one after it in the list becomes the current endpoint (unless
    /// another caller moved on already) and is returned.
    /// </summary>
    public Uri? MoveOn(Uri failed)
    {
        var list = _list();
        lock (_gate)
        {
            if (_current is not null && _current != failed && list.Contains(_current)) return _current;
            var index = IndexOf(list, failed);
            return _current = list.Count == 0 ? null : list[(index + 1) % list.Count];
        }
    }

    /// <summary>The connection to <paramref name="endpoint"/>, made on first use.</summary>
    public GrpcChannel Connection(Uri endpoint)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(endpoint, out var connection))
            {
                connection = GrpcChannels.Open(endpoint, _connectTimeout);
                _connections.Add(endpoint, connection);
            }
            return connection;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var connection in _connections.Values) connection.Dispose();
            _connections.Clear();
        }
    }

    /// <summary>"http://host:port" as it is; "host:port" as etcdctl's --endpoints takes it.</summary>
    public static Uri ParseUrl(string endpoint) =>
        new(endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "http://" + endpoint);

    private static int IndexOf(IReadOnlyList<Uri> list, Uri endpoint)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == endpoint) return i;
        }
        return -1;
    }
}
