using YamlDotNet.RepresentationModel;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>
/// A volume mounted into a service: docker-compose v1 renders "source:target:mode", v2 a mapping. A source
/// that is not a path names a volume of the project.
/// </summary>
public sealed record ComposeVolumeMount(string Source, string Target, bool IsNamedVolume)
{
    public static ComposeVolumeMount From(YamlNode node)
    {
        if (node is YamlMappingNode mapping)
        {
            return new ComposeVolumeMount(mapping.Text("source") ?? "", mapping.Text("target") ?? "", mapping.Text("type") == "volume");
        }
        var parts = node.Scalar().Split(':');
        if (parts.Length < 2) throw new InvalidDataException($"an anonymous volume, not a named one: {node}");
        return new ComposeVolumeMount(parts[0], parts[1], IsNamedVolume: !parts[0].StartsWith('/') && !parts[0].StartsWith('.'));
    }
}
