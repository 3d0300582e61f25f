namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-alone gateway process (the built GrainKv.Gateway.dll next to the tests), an Orleans client of a
/// <see cref="GrainKvCluster"/>: given the silos' --initial-cluster and their client URLs as --endpoints, with extra
/// flags (a membership table, through which it then finds the silos) from the caller; or given nothing but the
/// membership table, where it finds silos that tell it the cluster.
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

    public static Task<GrainKvGateway> StartAsync(GrainKvCluster cluster, params string[] extraArguments) =>
        LaunchAsync(
        [
            "--initial-cluster", cluster.InitialCluster, "--initial-cluster-token", GrainKvCluster.Token,
            "--endpoints", string.Join(',', cluster.Members.Select(m => m.ClientUrl.ToString().TrimEnd('/'))),
            .. extraArguments,
        ]);

    /// <summary>A gateway that finds the silos in the membership table alone and learns the cluster from them: <paramref name="membershipArguments"/> are --membership-connection's.</summary>
    public static Task<GrainKvGateway> StartFromMembershipTableAsync(params string[] membershipArguments) =>
        LaunchAsync(["--initial-cluster-token", GrainKvCluster.Token, .. membershipArguments]);

    public void Dispose() => Process.Dispose();

    private static async Task<GrainKvGateway> LaunchAsync(IEnumerable<string> clusterArguments)
    {
        var clientUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GrainKv.Gateway.dll");
        var process = ServerProcess.Start("dotnet",
        [
            gatewayDll,
            "--listen-client-urls", clientUrl.ToString().TrimEnd('/'),
            "--election-timeout", "500",
            .. clusterArguments,
        ]);
        var gateway = new GrainKvGateway(clientUrl, process);
        await Readiness.WaitAsync(clientUrl, process, "GrainKv gateway");
        return gateway;
    }
}
