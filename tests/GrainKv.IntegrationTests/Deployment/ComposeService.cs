using YamlDotNet.RepresentationModel;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>One service of the rendered compose file, with the short and long syntaxes brought to one form.</summary>
public sealed record ComposeService(
    string Name,
    string? Image,
    string? BuildTarget,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> HealthCheck,
    IReadOnlyList<ComposePort> Ports,
    IReadOnlyList<ComposeVolumeMount> Volumes,
    IReadOnlyDictionary<string, string> DependsOn)
{
    public static ComposeService From(string name, YamlMappingNode service) => new(
        name,
        service.Text("image"),
        (service.Find("build") as YamlMappingNode)?.Text("target"),
        EnvironmentOf(service.Find("environment")),
        HealthCheckOf(service.Find("healthcheck") as YamlMappingNode),
        Sequence(service.Find("ports")).Select(ComposePort.From).ToArray(),
        Sequence(service.Find("volumes")).Select(ComposeVolumeMount.From).ToArray(),
        DependsOnOf(service.Find("depends_on")));

    /// <summary>The service's value of a variable; fails naming the service if it has none.</summary>
    public string Variable(string name) =>
        Environment.TryGetValue(name, out var value) ? value : throw new InvalidDataException($"{Name} does not set {name}");

    private static IReadOnlyDictionary<string, string> EnvironmentOf(YamlNode? node) => node switch
    {
        null => new Dictionary<string, string>(),
        YamlMappingNode mapping => mapping.Entries().ToDictionary(e => e.Key, e => e.Value.Scalar()),
        _ => Sequence(node).Select(item => item.Scalar().Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""),
    };

    /// <summary>The command as an argument list; a plain string is CMD-SHELL's.</summary>
    private static IReadOnlyList<string> HealthCheckOf(YamlMappingNode? healthCheck) => healthCheck?.Find("test") switch
    {
        null => [],
        YamlSequenceNode test => test.Children.Select(item => item.Scalar()).ToArray(),
        var test => ["CMD-SHELL", test.Scalar()],
    };

    /// <summary>Each dependency with its condition; a plain list means service_started.</summary>
    private static IReadOnlyDictionary<string, string> DependsOnOf(YamlNode? node) => node switch
    {
        null => new Dictionary<string, string>(),
        YamlMappingNode mapping => mapping.Entries().ToDictionary(e => e.Key,
            e => ((YamlMappingNode)e.Value).Text("condition") ?? "service_started"),
        _ => Sequence(node).ToDictionary(item => item.Scalar(), _ => "service_started"),
    };

    private static IEnumerable<YamlNode> Sequence(YamlNode? node) => (node as YamlSequenceNode)?.Children ?? [];
}
