namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>A real etcd 3.4 (Debian's etcd-server) on free loopback ports, data under a temp dir.</summary>
public sealed class EtcdServer : IDisposable
{
    private readonly ServerProcess _process;
    private readonly string _dataDir;

    private EtcdServer(ServerProcess process, string dataDir, Uri clientUrl)
    {
        _process = process;
        _dataDir = dataDir;
        ClientUrl = clientUrl;
    }

    public Uri ClientUrl { get; }
    public ServerProcess Process => _process;
    public string Endpoint => $"{ClientUrl.Host}:{ClientUrl.Port}";

    /// <summary>Starts etcd with extra flags (for example a small --quota-backend-bytes).</summary>
    public static async Task<EtcdServer> StartAsync(params string[] extraArguments)
    {
        var dataDir = Directory.CreateTempSubdirectory("grainkv-etcd-").FullName;
        var clientUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var peerUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var process = ServerProcess.Start("etcd",
        [
            "--name", "reference", "--data-dir", dataDir,
            "--listen-client-urls", clientUrl.ToString().TrimEnd('/'), "--advertise-client-urls", clientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"reference={peerUrl}", "--log-level", "error",
            .. extraArguments,
        ]);
        var server = new EtcdServer(process, dataDir, clientUrl);
        await Readiness.WaitAsync(clientUrl, process, "etcd");
        return server;
    }

    public void Dispose()
    {
        _process.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
