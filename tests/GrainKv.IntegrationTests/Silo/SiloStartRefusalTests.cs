using System.Net;
using System.Net.Sockets;
using GrainKv.Hosting;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Network;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.IntegrationTests.Silo;

/// <summary>A silo that cannot listen where it is told to: refused at once, in etcd's words, with nothing left behind.</summary>
public sealed class SiloStartRefusalTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("grainkv-refusal-").FullName;

    [Fact]
    public async Task ClientPortInUse_RefusedAsEtcdRefusesIt_BeforeTheDataDirIsCreated()
    {
        using var occupant = Occupy(out var port);
        var dataDir = Path.Combine(_root, "data");

        using var silo = StartSilo(dataDir, "--listen-client-urls", $"http://127.0.0.1:{port}");
        await silo.WaitForExitAsync(Patience);

        Assert.Equal(1, silo.ExitCode);
        Assert.Contains($"grainkv: listen tcp 127.0.0.1:{port}: bind: address already in use", silo.Output);
        Assert.DoesNotContain("Unhandled exception", silo.Output);
        Assert.False(Directory.Exists(dataDir));
    }

    [Theory]
    [InlineData("--initial-shards", "0", "grainkv: --initial-shards must be at least 1 (got 0)")]
    [InlineData("--initial-shard-splits", "m,c", "grainkv: --initial-shard-splits must be in increasing key order ('m' comes before 'c')")]
    [InlineData("--replicas=-1", "", "grainkv: --replicas must be 0 (every member) or more (got -1)")]
    public async Task InconsistentShardFlags_RefusedInOneLine_BeforeTheDataDirIsCreated(string flag, string value, string refusal)
    {
        var dataDir = Path.Combine(_root, "shards");

        using var silo = StartSilo(dataDir, ["--listen-client-urls", $"http://127.0.0.1:{FreePort.Next()}", flag, .. value.Length > 0 ? [value] : Array.Empty<string>()]);
        await silo.WaitForExitAsync(Patience);

        Assert.Equal(1, silo.ExitCode);
        Assert.Equal(refusal, silo.Output.Trim());
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task FewerReplicasThanMembers_RefusedAsNotSupportedYet_BeforeTheDataDirIsCreated()
    {
        var peer = FreePort.Next();
        var dataDir = Path.Combine(_root, "replicas");

        using var silo = StartSilo(dataDir, "--listen-client-urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"grainkv=http://127.0.0.1:{peer},b=http://127.0.0.1:{FreePort.Next()},c=http://127.0.0.1:{FreePort.Next()}",
            "--replicas", "2");
        await silo.WaitForExitAsync(Patience);

        Assert.Equal(1, silo.ExitCode);
        Assert.Equal("grainkv: --replicas 2 with 3 members is not supported yet: every member holds a replica of every shard (give 0 or at least 3)", silo.Output.Trim());
        Assert.False(Directory.Exists(dataDir));
    }

    /// <summary>A member of a cluster used to start its other services, fail to bind, and then hang half-started.</summary>
    [Fact]
    public async Task ClusterMember_OrleansGatewayPortInUse_RefusedAndExits()
    {
        using var occupant = Occupy(out var port);
        var peer = FreePort.Next();
        var dataDir = Path.Combine(_root, "member");

        using var silo = StartSilo(dataDir, "--listen-client-urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"grainkv=http://127.0.0.1:{peer},b=http://127.0.0.1:{FreePort.Next()},c=http://127.0.0.1:{FreePort.Next()}",
            "--orleans-gateway-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await silo.WaitForExitAsync(Patience);

        Assert.Equal(1, silo.ExitCode);
        Assert.Contains($"grainkv: listen tcp 127.0.0.1:{port}: bind: address already in use", silo.Output);
        Assert.False(Directory.Exists(dataDir));
    }

    /// <summary>
    /// A bind can still fail after the check (another process takes the port in between): the services that had started
    /// are stopped, so the failure ends the process instead of leaving it running half-started.
    /// </summary>
    [Fact]
    public async Task BoundedShutdown_AServiceFailsToStart_StopsTheOnesThatStarted_ThenThrows()
    {
        var started = new StartedService();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);
        builder.Services.AddHostedService(_ => started);
        builder.Services.AddHostedService<FailingService>();
        var host = builder.Build();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => BoundedShutdown.RunAsync(host, TimeSpan.FromSeconds(5), NullLogger.Instance, CancellationToken.None));

        Assert.Contains(FailingService.Failure, failure.ToString());
        Assert.True(started.Stopped);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TcpListener Occupy(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    private static ServerProcess StartSilo(string dataDir, params string[] arguments) => ServerProcess.Start("dotnet",
    [
        Path.Combine(AppContext.BaseDirectory, "GrainKv.Silo.dll"), "--name", "grainkv", "--data-dir", dataDir,
        "--listen-metrics-urls", $"http://127.0.0.1:{FreePort.Next()}",
        "--orleans-silo-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. arguments,
    ]);

    private sealed class StartedService : IHostedService
    {
        public bool Stopped { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = true;
            return Task.CompletedTask;
        }
    }

    private sealed class FailingService : IHostedService
    {
        public const string Failure = "cannot bind";

        public Task StartAsync(CancellationToken cancellationToken) => Task.FromException(new IOException(Failure));

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
