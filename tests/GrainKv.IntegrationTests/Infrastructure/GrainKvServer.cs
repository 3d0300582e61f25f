using System.Globalization;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// A GrainKv silo as its own process (the built GrainKv.Silo.dll next to the tests), on free
/// loopback ports (its Orleans ports too), with its data dir under a temp dir that outlives a kill so a restart can reuse it.
/// </summary>
public sealed class GrainKvServer : IDisposable
{
    private readonly bool _ownsDataDir;
    private readonly Ports _ports;
    private ServerProcess _process;

    private readonly IReadOnlyDictionary<string, string>? _environment;

    private GrainKvServer(ServerProcess process, string dataDir, Uri clientUrl, Ports ports, bool ownsDataDir, IReadOnlyList<string> extraArguments,
        IReadOnlyDictionary<string, string>? environment)
    {
        _environment = environment;
        _ports = ports;
        _process = process;
        DataDir = dataDir;
        ClientUrl = clientUrl;
        _ownsDataDir = ownsDataDir;
        ExtraArguments = extraArguments;
    }

    public Uri ClientUrl { get; }
    public string DataDir { get; }
    public IReadOnlyList<string> ExtraArguments { get; }
    public string Endpoint => $"{ClientUrl.Host}:{ClientUrl.Port}";
    public ServerProcess Process => _process;

    public static Task<GrainKvServer> StartAsync(params string[] extraArguments) => StartAsync(null, extraArguments);

    /// <summary>Starts a silo with extra flags and environment variables (GRAINKV_*).</summary>
    public static async Task<GrainKvServer> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] extraArguments)
    {
        var dataDir = Directory.CreateTempSubdirectory("grainkv-silo-").FullName;
        var clientUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var ports = new Ports(FreePort.Next(), FreePort.Next(), FreePort.Next());
        var process = Launch(dataDir, clientUrl, ports, extraArguments, environment);
        var server = new GrainKvServer(process, dataDir, clientUrl, ports, ownsDataDir: true, extraArguments, environment);
        try
        {
            await Readiness.WaitAsync(clientUrl, process, "GrainKv");
        }
        catch
        {
            // A silo that never became ready leaves neither its process nor its data dir behind.
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>SIGKILL the silo, then start it again on the same data dir and ports.</summary>
    public async Task KillAndRestartAsync()
    {
        _process.Kill();
        _process.Dispose();
        _process = Launch(DataDir, ClientUrl, _ports, ExtraArguments, _environment);
        await Readiness.WaitAsync(ClientUrl, _process, "GrainKv");
    }

    /// <summary>SIGKILL the silo, then start it again on the same data dir and ports with other extra flags, not waiting for it.</summary>
    public ServerProcess KillAndRelaunchWith(params string[] extraArguments)
    {
        _process.Kill();
        _process.Dispose();
        _process = Launch(DataDir, ClientUrl, _ports, extraArguments, _environment);
        return _process;
    }

    public void Dispose()
    {
        _process.Dispose();
        if (_ownsDataDir)
        {
            try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static ServerProcess Launch(string dataDir, Uri clientUrl, Ports ports, IReadOnlyList<string> extraArguments,
        IReadOnlyDictionary<string, string>? environment)
    {
        var siloDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Silo.dll");
        return ServerProcess.Start("dotnet",
        [
            siloDll, "--name", "grainkv", "--data-dir", dataDir,
            "--listen-client-urls", clientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", $"http://127.0.0.1:{ports.Peer}",
            "--orleans-silo-port", ports.OrleansSilo.ToString(CultureInfo.InvariantCulture),
            "--orleans-gateway-port", ports.OrleansGateway.ToString(CultureInfo.InvariantCulture),
            .. extraArguments,
        ], environment);
    }

    private sealed record Ports(int Peer, int OrleansSilo, int OrleansGateway);
}
