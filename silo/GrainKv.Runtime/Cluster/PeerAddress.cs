using System.Globalization;

namespace GrainKv.Runtime.Cluster;

/// <summary>Where a member serves silo-to-silo gRPC: the host and port of its --initial-cluster peer URL, formatted "host:port".</summary>
public readonly record struct PeerAddress
{
    public PeerAddress(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Host = host;
        Port = port;
    }

    public string Host { get; }

    public int Port { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
