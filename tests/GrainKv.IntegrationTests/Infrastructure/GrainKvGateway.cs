namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-alone gateway process (the built GrainKv.Gateway.dll next to the tests) in front of a
/// <see cref="GrainKvCluster"/>: the silos from its --initial-cluster, their client URLs as --endpoints,
/// grain calls passed on; extra flags (a membership table, which then says where the silos are) from the caller.
/// </summary>
public sealed class GrainKvGateway : IDisposable
{
    private GrainKvGateway(Uri clientUrl, ServerProcess process)
    {
        ClientUrl = clientUrl;
        Process = process;
    }

    public Uri ClientUrl { get; }
    public string Endpoint => $"{ClientUrl.Host}:{ClientUrl.Port}";
    public ServerProcess Process { get; }

    public static async Task<GrainKvGateway> StartAsync(GrainKvCluster cluster, params string[] extraArguments)
    {
        var clientUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Gateway.dll");
        var process = ServerProcess.Start("dotnet",
        [
            gatewayDll,
            "--listen-client-urls", clientUrl.ToString().TrimEnd('/'),
            "--initial-cluster", cluster.InitialCluster, "--initial-cluster-token", GrainKvCluster.Token,
            "--endpoints", string.Join(',', cluster.Members.Select(m => m.ClientUrl.ToString().TrimEnd('/'))),
            "--election-timeout", "500",
            "--enable-grain-calls",
            .. extraArguments,
        ]);
        var gateway = new GrainKvGateway(clientUrl, process);
        await Readiness.WaitAsync(clientUrl, process, "GrainKv gateway");
        return gateway;
    }

    public void Dispose() => Process.Dispose();
}
