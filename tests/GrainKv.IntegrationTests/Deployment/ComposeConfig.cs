using YamlDotNet.RepresentationModel;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>The compose file as `docker-compose config` renders it: anchors merged, variables substituted.</summary>
public sealed record ComposeConfig(IReadOnlyDictionary<string, ComposeService> Services, IReadOnlySet<string> Volumes)
{
    public static ComposeConfig Parse(string rendered)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(rendered));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var services = root.Mapping("services").Entries()
            .ToDictionary(e => e.Key, e => ComposeService.From(e.Key, (YamlMappingNode)e.Value));
        var volumes = (root.Find("volumes") as YamlMappingNode)?.Entries().Select(e => e.Key).ToHashSet() ?? [];
        return new ComposeConfig(services, volumes);
    }

    public static async Task<ComposeConfig> RenderAsync()
    {
        var rendered = await DockerCompose.RunAsync("config");
        if (rendered.ExitCode != 0) throw new InvalidDataException($"docker-compose config failed: {rendered.Stderr}");
        return Parse(rendered.Stdout);
    }
}
