using System.ComponentModel;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>
/// Debian's docker-compose on the repository's docker-compose.yml. It validates and renders the file
/// offline, so it runs here although there is no Docker engine.
/// </summary>
public static class DockerCompose
{
    public static string ComposeFile => Path.Combine(RepositoryRoot.Path, "docker-compose.yml");

    public static async Task<CommandLineTool.Result> RunAsync(params string[] arguments)
    {
        try
        {
            return await CommandLineTool.RunAsync("docker-compose", ["--file", ComposeFile, .. arguments], TimeSpan.FromSeconds(60),
                workingDirectory: RepositoryRoot.Path);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "docker-compose is not installed: `apt-get install docker-compose` (.ci/run installs it). " + e.Message, e);
        }
    }
}
