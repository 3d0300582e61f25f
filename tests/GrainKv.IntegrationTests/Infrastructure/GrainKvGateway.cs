namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-alone gateway process (the built GrainKv.Gateway.dll next to the tests) in front of a
/// <see cref="GrainKvCluster"/>, passing grain calls on: given the silos' --initial-cluster and their client URLs as
/// --endpoints, with extra flags (a membership table, which then says where the silos are) from the caller; or given
/// nothing but the membership table, where the silos report the cluster.
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

    /// <summary>A gateway that learns the silos and the cluster from the membership table alone: <paramref name="membershipArguments"/> are --membership-connection and its timings.</summary>
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
            "--enable-grain-calls",
            .. clusterArguments,
        ]);
        var gateway = new GrainKvGateway(clientUrl, process);
        await Readiness.WaitAsync(clientUrl, process, "GrainKv gateway");
        return gateway;
    }
}
