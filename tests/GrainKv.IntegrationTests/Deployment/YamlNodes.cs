using YamlDotNet.RepresentationModel;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>Lookups in a parsed YAML document that say which key is missing when one is.</summary>
public static class YamlNodes
{
    public static YamlNode? Find(this YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Mapping(this YamlMappingNode mapping, string key) =>
        mapping.Find(key) as YamlMappingNode ?? throw new InvalidDataException($"'{key}' is not a mapping: {mapping}");

    public static string? Text(this YamlMappingNode mapping, string key) => (mapping.Find(key) as YamlScalarNode)?.Value;

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlMappingNode mapping) =>
        mapping.Children.Select(entry => (((YamlScalarNode)entry.Key).Value!, entry.Value));

    public static string Scalar(this YamlNode node) =>
        (node as YamlScalarNode)?.Value ?? throw new InvalidDataException($"expected a scalar, got {node}");
}
