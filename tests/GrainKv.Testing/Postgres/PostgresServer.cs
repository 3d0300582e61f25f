using System.Diagnostics;
using GrainKv.Testing.Network;
using Npgsql;

namespace GrainKv.Testing.Postgres;

/// <summary>
/// A real PostgreSQL 15 server for one test class: initdb into a temp dir, pg_ctl on a free loopback
/// port, stopped by the PID in postmaster.pid when disposed. PostgreSQL refuses to run as root, so
/// as root every PostgreSQL command runs as the <c>postgres</c> user, which owns the data dir.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly bool RunningAsRoot = Environment.UserName == "root";

    private readonly string _root;

    private PostgresServer(string root, int port)
    {
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public bool IsRunning { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A connection string for <paramref name="database"/> as the superuser (trust authentication on loopback).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database,
            Timeout = 5, CommandTimeout = 30,
        }.ConnectionString;

    public static async Task<PostgresServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("grainkv-pg-").FullName;
        var server = new PostgresServer(root, FreePort.Next());
        try
        {
            if (RunningAsRoot) await RunAsync("chown", "postgres:postgres", root);
            await server.PgAsync("initdb", "-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh, empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        // Unpooled: a pooled connection would be dead after a StopAsync and StartAgainAsync.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Starts the server (again), waiting until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await PgAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_root} -c max_connections=200", "start");
        IsRunning = true;
    }

    /// <summary>A fast shutdown: open connections are cut, as when a database server goes down.</summary>
    public async Task StopAsync()
    {
        await PgAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop");
        IsRunning = false;
    }

    /// <summary>What the server logged, for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(_root, "server.log")) ? File.ReadAllText(Path.Combine(_root, "server.log")) : "";

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var pid))
        {
            try
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
                await postmaster.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        IsRunning = false;
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Task PgAsync(string tool, params string[] arguments)
    {
        var path = Path.Combine(BinDirectory, tool);
        return RunningAsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
