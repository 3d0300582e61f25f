namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// The Node etcd3 client (npm <c>etcd3</c>, pinned by tests/clients/node-etcd3/package-lock.json) running that folder's
/// scenario.js. Its packages are installed with <c>npm ci</c> the first time a test needs them.
/// </summary>
public static class NodeEtcd3
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "tests", "clients", "node-etcd3");
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>What the scenario printed against <paramref name="endpoints"/> (host:port, comma-separated); throws if it failed.</summary>
    public static async Task<string> RunScenarioAsync(string endpoints)
    {
        await EnsureInstalledAsync();
        var run = await CommandLineTool.RunAsync("node", ["scenario.js", endpoints], TimeSpan.FromMinutes(1), workingDirectory: Folder);
        Assert.True(run.ExitCode == 0, $"node scenario.js {endpoints} exited with {run.ExitCode}:\n{run.Output}");
        return run.Stdout;
    }

    private static async Task EnsureInstalledAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "etcd3"))) return;
            var install = await CommandLineTool.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), workingDirectory: Folder);
            Assert.True(install.ExitCode == 0, $"npm ci in {Folder} exited with {install.ExitCode}:\n{install.Output}");
        }
        finally
        {
            Installing.Release();
        }
    }
}
