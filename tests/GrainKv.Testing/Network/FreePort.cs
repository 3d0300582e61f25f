using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GrainKv.Testing.Network;

/// <summary>
/// Loopback ports for the servers tests start. A port the kernel hands out for port 0 is free only until the listener
/// closes: from then on any outgoing connection on the machine may take it as its local port, and a test process
/// running alongside may be handed it too. So ports come from below the kernel's ephemeral range, which outgoing
/// connections never use, and each one is claimed with a locked file under the temp dir that other test processes
/// respect; the lock lasts as long as this process, so a port is never handed out twice while its server may run.
/// </summary>
public static class FreePort
{
    private const int LowestPort = 10_000;

    private static readonly Lock Gate = new();
    private static readonly List<FileStream> Claims = [];
    private static readonly (int First, int Last) Range = UnusedByOutgoingConnections();
    private static readonly string ClaimDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "grainkv-test-ports")).FullName;
    private static int _cursor = Random.Shared.Next(Range.First, Range.Last + 1);

    /// <summary>A loopback TCP port that nothing listens on and no other test will be given.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var tried = 0; tried <= Range.Last - Range.First; tried++)
            {
                var port = _cursor;
                _cursor = port == Range.Last ? Range.First : port + 1;
                if (TryClaim(port) is { } claim)
                {
                    if (IsBindable(port))
                    {
                        Claims.Add(claim);
                        return port;
                    }
                    claim.Dispose();
                }
            }
            throw new InvalidOperationException($"no free loopback port in {Range.First}-{Range.Last}");
        }
    }

    private static FileStream? TryClaim(int port)
    {
        try
        {
            // FileShare.None takes an exclusive flock on Unix: held until this process exits, however it exits.
            return new FileStream(Path.Combine(ClaimDirectory, port.ToString(CultureInfo.InvariantCulture)),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsBindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int First, int Last) UnusedByOutgoingConnections()
    {
        var (ephemeralFirst, ephemeralLast) = EphemeralRange();
        if (ephemeralFirst - LowestPort >= 1_000) return (LowestPort, ephemeralFirst - 1);
        if (IPEndPoint.MaxPort - ephemeralLast >= 1_000) return (ephemeralLast + 1, IPEndPoint.MaxPort);
        return (LowestPort, IPEndPoint.MaxPort);
    }

    private static (int First, int Last) EphemeralRange()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(path)
            && File.ReadAllText(path).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var first, var last]
            && int.TryParse(first, CultureInfo.InvariantCulture, out var firstPort)
            && int.TryParse(last, CultureInfo.InvariantCulture, out var lastPort))
        {
            return (firstPort, lastPort);
        }
        return (32_768, 60_999);
    }
}
