namespace GrainKv.IntegrationTests.Deployment;

/// <summary>A build stage of a Dockerfile: <c>FROM [--platform=…] image [AS name]</c>.</summary>
public sealed record DockerfileStage(string Image, string? Name)
{
    public static IReadOnlyList<DockerfileStage> ReadAll(string dockerfile) =>
        File.ReadLines(dockerfile)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(words => words.Length > 1 && words[0].Equals("FROM", StringComparison.OrdinalIgnoreCase))
            .Select(words => words.Skip(1).Where(word => !word.StartsWith("--", StringComparison.Ordinal)).ToArray())
            .Select(words => new DockerfileStage(words[0],
                words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null))
            .ToArray();
}
