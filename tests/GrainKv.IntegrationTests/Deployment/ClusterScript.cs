using System.Diagnostics;
using System.Globalization;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>The scripts of tools/cluster as a shell runs them, and the processes their PID files name.</summary>
internal static class ClusterScript
{
    public static Task<CommandLineTool.Result> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        CommandLineTool.RunAsync("bash", [Path.Combine(RepositoryRoot.Path, "tools", "cluster", script), .. arguments],
            TimeSpan.FromMinutes(4), environment: environment);

    /// <summary>The PIDs in the *.pid files the start scripts write into <paramref name="clusterDir"/>.</summary>
    public static int[] ProcessIds(string clusterDir) =>
        Directory.GetFiles(clusterDir, "*.pid").Select(file => int.Parse(File.ReadAllText(file), CultureInfo.InvariantCulture)).ToArray();

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
