namespace GrainKv.Bench;

/// <summary>
/// A run's connections, shared out over its endpoints as evenly as possible and handed out in turn, so that calls
/// and streams spread over every connection and every endpoint alike.
/// </summary>
public sealed class EtcdConnections : IDisposable
{
    private readonly EtcdConnection[] _connections;
    private int _next = -1;

    /// <summary>Connection i goes to endpoint i mod the endpoint count.</summary>
    public EtcdConnections(IReadOnlyList<Uri> endpoints, int connections)
    {
        _connections = new EtcdConnection[connections];
        for (int i = 0; i < connections; i++)
        {
            _connections[i] = new EtcdConnection(endpoints[i % endpoints.Count]);
        }
    }

    /// <summary>The next connection in turn; thread-safe.</summary>
    public EtcdConnection Next() => _connections[(int)((uint)Interlocked.Increment(ref _next) % (uint)_connections.Length)];

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
