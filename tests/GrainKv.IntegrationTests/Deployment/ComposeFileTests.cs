using System.CommandLine;
using GrainKv.Gateway;
using GrainKv.Grains.Cluster;
using GrainKv.Hosting;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Silo;
using Npgsql;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>
/// docker-compose.yml, checked offline by Debian's docker-compose (there is no Docker engine here): it is
/// valid, and its rendering has the cluster topology: three PostgreSQL servers, three silos each storing
/// in its own server and registering in the first, and a gateway publishing the etcd client port.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly Lazy<Task<ComposeConfig>> Rendered = new(ComposeConfig.RenderAsync);

    [Fact]
    public async Task ComposeFile_IsAcceptedByDockerCompose_WithoutWarnings()
    {
        var result = await DockerCompose.RunAsync("config", "--quiet");

        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0,
            $"docker-compose config --quiet: exit code {result.ExitCode}, stderr:\n{result.Stderr}");
    }

    [Fact]
    public async Task PostgresServers_AreThree_EachCheckedByPgIsReady_OnItsOwnNamedVolume()
    {
        var config = await Rendered.Value;
        var servers = PostgresServers(config);

        Assert.Equal(3, servers.Count);
        foreach (var server in servers)
        {
            Assert.Equal(["CMD", "pg_isready"], server.HealthCheck.Take(2));
            var data = Assert.Single(server.Volumes, mount => mount.Target == "/var/lib/postgresql/data");
            Assert.True(data.IsNamedVolume && config.Volumes.Contains(data.Source), $"{server.Name} keeps its data in {data}, not a named volume");
        }
        Assert.Equal(3, servers.Select(server => server.Volumes.Single().Source).Distinct().Count());
    }

    [Fact]
    public async Task Silos_AreThree_EachStoringInItsOwnServer_AndRegisteringInTheFirst()
    {
        var config = await Rendered.Value;
        var silos = Silos(config);
        var servers = PostgresServers(config).Select(server => server.Name).Order().ToArray();

        Assert.Equal(3, silos.Count);
        Assert.All(silos, silo => Assert.Equal("postgres", silo.Variable("GRAINKV_STORAGE")));
        Assert.Equal(servers, silos.Select(silo => HostOf(silo.Variable("GRAINKV_POSTGRES_CONNECTION"))).Order());
        Assert.Equal([servers[0]], silos.Select(silo => HostOf(silo.Variable("GRAINKV_MEMBERSHIP_CONNECTION"))).Distinct());
        foreach (var silo in silos)
        {
            Assert.Equal("service_healthy", silo.DependsOn.GetValueOrDefault(HostOf(silo.Variable("GRAINKV_POSTGRES_CONNECTION"))));
            Assert.Equal("service_healthy", silo.DependsOn.GetValueOrDefault(servers[0]));
            var data = Assert.Single(silo.Volumes);
            Assert.True(data.IsNamedVolume && config.Volumes.Contains(data.Source), $"{silo.Name} keeps its data dir in {data}, not a named volume");
        }
        Assert.Equal(3, silos.Select(silo => silo.Volumes.Single().Source).Distinct().Count());
    }

    [Fact]
    public async Task Silos_NameEachOtherInTheInitialCluster_AtPeerUrlsTheOthersCanReach()
    {
        var silos = Silos(await Rendered.Value);

        var initialCluster = Assert.Single(silos.Select(silo => silo.Variable("GRAINKV_INITIAL_CLUSTER")).Distinct());
        var members = InitialCluster.Parse(initialCluster).ToDictionary(member => member.Name, member => Assert.Single(member.PeerUrls));
        Assert.Equal(silos.Select(silo => silo.Variable("GRAINKV_NAME")).Order(), members.Keys.Order());
        foreach (var silo in silos)
        {
            var advertised = new Uri(silo.Variable("GRAINKV_INITIAL_ADVERTISE_PEER_URLS"));
            var listening = new Uri(silo.Variable("GRAINKV_LISTEN_PEER_URLS"));
            Assert.Equal(advertised, new Uri(members[silo.Variable("GRAINKV_NAME")]));
            Assert.Equal(silo.Name, advertised.Host);
            Assert.Equal(listening.Port, advertised.Port);
            Assert.Equal("0.0.0.0", listening.Host);
            Assert.Equal(silo.Name, new Uri(silo.Variable("GRAINKV_ADVERTISE_CLIENT_URLS")).Host);
        }
    }

    [Fact]
    public async Task Environment_IsMadeOfTheProgramsFlags_WithValuesTheyAccept()
    {
        var config = await Rendered.Value;

        var silo = SiloCommandLine.Create((_, _) => Task.FromResult(0));
        foreach (var service in Silos(config)) AssertEnvironmentIsFlagsOf(silo, service);
        AssertEnvironmentIsFlagsOf(GatewayCommandLine.Create((_, _) => Task.FromResult(0)), Gateway(config));
    }

    [Fact]
    public async Task SilosAndGateway_AreCheckedOnTheHealthEndpointOfTheirMetricsUrl()
    {
        var config = await Rendered.Value;

        foreach (var service in Silos(config).Append(Gateway(config)))
        {
            Assert.Equal("CMD", service.HealthCheck.FirstOrDefault());
            var probed = Assert.Single(service.HealthCheck.Select(argument => Uri.TryCreate(argument, UriKind.Absolute, out var url) ? url : null).OfType<Uri>());
            var metrics = new Uri(service.Variable("GRAINKV_LISTEN_METRICS_URLS"));
            Assert.Equal("/health", probed.AbsolutePath);
            Assert.True(probed.IsLoopback, $"{service.Name} probes {probed}, not its own container");
            Assert.Equal(metrics.Port, probed.Port);
        }
    }

    [Fact]
    public async Task Gateway_AloneIsPublished_OnLoopbackPort2379_AndFindsTheClusterInTheSilosMembershipTable()
    {
        var config = await Rendered.Value;
        var gateway = Gateway(config);

        var published = Assert.Single(gateway.Ports);
        var listening = new Uri(gateway.Variable("GRAINKV_LISTEN_CLIENT_URLS"));
        Assert.Equal(new ComposePort("127.0.0.1", 2379, listening.Port), published);
        Assert.Equal("0.0.0.0", listening.Host);
        Assert.All(config.Services.Values.Where(service => service != gateway), service => Assert.Empty(service.Ports));
        foreach (var variable in new[] { "GRAINKV_INITIAL_CLUSTER_TOKEN", "GRAINKV_MEMBERSHIP_CONNECTION" })
        {
            Assert.Equal([gateway.Variable(variable)], Silos(config).Select(silo => silo.Variable(variable)).Distinct());
        }
        // The silos report the members as bootstrapped in the table: a list of the gateway's own could only disagree.
        Assert.DoesNotContain("GRAINKV_INITIAL_CLUSTER", gateway.Environment.Keys);
    }

    [Fact]
    public async Task Dockerfile_HasEveryTargetTheComposeFileBuilds_OnTheDotnet10Images()
    {
        var config = await Rendered.Value;
        var stages = DockerfileStage.ReadAll(Path.Combine(RepositoryRoot.Path, "Dockerfile"));

        var targets = config.Services.Values.Select(service => service.BuildTarget).OfType<string>().Distinct().Order();
        Assert.Equal(["gateway", "silo"], targets);
        Assert.All(targets, target => Assert.Contains(target, stages.Select(stage => stage.Name)));
        Assert.Contains(stages, stage => stage.Image == "mcr.microsoft.com/dotnet/sdk:10.0");
        Assert.Contains(stages, stage => stage.Image == "mcr.microsoft.com/dotnet/aspnet:10.0");
    }

    private static IReadOnlyList<ComposeService> PostgresServers(ComposeConfig config) =>
        config.Services.Values.Where(service => service.Image == "postgres:15").ToArray();

    private static IReadOnlyList<ComposeService> Silos(ComposeConfig config) =>
        config.Services.Values.Where(service => service.BuildTarget == "silo").ToArray();

    private static ComposeService Gateway(ComposeConfig config) =>
        Assert.Single(config.Services.Values, service => service.BuildTarget == "gateway");

    /// <summary>Every GRAINKV_* variable of the service names a flag of the program, and the program parses their values.</summary>
    private static void AssertEnvironmentIsFlagsOf(RootCommand program, ComposeService service)
    {
        var flagOfVariable = program.Options.ToDictionary(option => EnvironmentFlags.EnvironmentVariableFor(option.Name), option => option.Name);
        var variables = service.Environment.Keys.Where(name => name.StartsWith("GRAINKV_", StringComparison.Ordinal)).ToArray();
        Assert.All(variables, name => Assert.True(flagOfVariable.ContainsKey(name), $"{service.Name}: {name} is the variable of no flag"));
        var arguments = variables.SelectMany(name => new[] { flagOfVariable[name], service.Environment[name] }).ToArray();
        Assert.Empty(program.Parse(arguments).Errors.Select(error => $"{service.Name}: {error.Message}"));
    }

    private static string HostOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Host!;
}
