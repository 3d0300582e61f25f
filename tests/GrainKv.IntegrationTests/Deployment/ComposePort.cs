using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace GrainKv.IntegrationTests.Deployment;

/// <summary>A container port published on the host: docker-compose v1 renders "host-ip:published:target/tcp", v2 a mapping.</summary>
public sealed record ComposePort(string HostIp, int Published, int Target)
{
    public static ComposePort From(YamlNode node)
    {
        if (node is YamlMappingNode mapping)
        {
            return new ComposePort(mapping.Text("host_ip") ?? "", Number(mapping.Text("published")), Number(mapping.Text("target")));
        }
        var parts = node.Scalar().Split('/')[0].Split(':');
        return parts.Length switch
        {
            3 => new ComposePort(parts[0], Number(parts[1]), Number(parts[2])),
            2 => new ComposePort("", Number(parts[0]), Number(parts[1])),
            _ => throw new InvalidDataException($"not a published port: {node}"),
        };
    }

    private static int Number(string? text) =>
        int.Parse(text ?? throw new InvalidDataException("port without a number"), CultureInfo.InvariantCulture);
}
