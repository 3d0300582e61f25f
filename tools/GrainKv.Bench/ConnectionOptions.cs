using System.CommandLine;

namespace GrainKv.Bench;

/// <summary>The options every command shares to reach its server: the endpoints and how many HTTP/2 connections to open.</summary>
public sealed class ConnectionOptions
{
    private readonly Option<string> _endpoints = new("--endpoints")
    {
        Description = "Comma-separated etcd v3 gRPC endpoints (h2c)",
        DefaultValueFactory = _ => "http://127.0.0.1:2379",
    };

    private readonly Option<int> _connections = new Option<int>("--conns")
    {
        Description = "HTTP/2 connections, shared out over the endpoints",
        DefaultValueFactory = _ => 1,
    }.AtLeast(1);

    public void AddTo(Command command)
    {
        command.Options.Add(_endpoints);
        command.Options.Add(_connections);
    }

    public (ConnectionSettings? Settings, string? Error) Read(ParseResult parsed)
    {
        var (endpoints, endpointsError) = EndpointList.Parse(parsed.GetRequiredValue(_endpoints));
        if (endpoints is null)
        {
            return (null, endpointsError);
        }

        int connections = parsed.GetValue(_connections);
        if (connections < endpoints.Count)
        {
            return (null, $"--conns {connections} is fewer than the {endpoints.Count} endpoints; each endpoint needs a connection");
        }

        return (new ConnectionSettings(endpoints, connections), null);
    }
}
