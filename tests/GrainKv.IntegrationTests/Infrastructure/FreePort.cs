using System.Net;
using System.Net.Sockets;

namespace GrainKv.IntegrationTests.Infrastructure;

public static class FreePort
{
    /// <summary>A loopback TCP port that nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
