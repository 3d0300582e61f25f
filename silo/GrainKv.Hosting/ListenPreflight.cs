using System.Net;
using System.Net.Sockets;

namespace GrainKv.Hosting;

/// <summary>
/// Binds every address a process is about to listen on, and lets go at once, before it creates anything on disk or
/// starts a service: as etcd binds its listeners first, a port already in use is refused in etcd's words ("listen tcp
/// 127.0.0.1:2379: bind: address already in use") instead of by a host that fails half-started.
/// </summary>
public static class ListenPreflight
{
    /// <summary>Why the first of <paramref name="endpoints"/> that cannot be bound cannot be, or null if all can.</summary>
    public static string? Refusal(IEnumerable<IPEndPoint> endpoints)
    {
        foreach (var endpoint in endpoints.Where(e => e.Port != 0))
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(endpoint);
                socket.Listen();
            }
            catch (SocketException error)
            {
                return $"listen tcp {endpoint}: bind: {Reason(error.SocketErrorCode, error.Message)}";
            }
        }
        return null;
    }

    /// <summary>
    /// The address a listen URL binds: its IP (any IP for 0.0.0.0 and ::), or the loopback for localhost. A host name
    /// has none here; the listener refuses it when it starts.
    /// </summary>
    public static IEnumerable<IPEndPoint> EndpointsOf(Uri url) => AddressOf(url.Host) is { } address ? [new IPEndPoint(address, url.Port)] : [];

    /// <inheritdoc cref="EndpointsOf(Uri)"/>
    public static IPAddress? AddressOf(string host)
    {
        var unbracketed = host.Trim('[', ']');
        if (IPAddress.TryParse(unbracketed, out var address)) return address;
        return unbracketed.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : null;
    }

    /// <summary>The words Go's net package uses, which etcd's message carries.</summary>
    private static string Reason(SocketError error, string message) => error switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        SocketError.AccessDenied => "permission denied",
        _ => message,
    };
}
