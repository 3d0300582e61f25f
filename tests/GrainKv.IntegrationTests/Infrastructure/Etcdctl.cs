using System.Text.Json.Nodes;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>Runs the real etcdctl 3.4 (Debian's etcd-client) against an endpoint.</summary>
public static class Etcdctl
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>etcdctl -w json output with the ids and terms that differ between clusters zeroed.</summary>
        public string NormalizedJson()
        {
            var node = JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("etcdctl printed no JSON");
            Normalize(node);
            return node.ToJsonString();
        }

        private static void Normalize(JsonNode node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var name in new[] { "cluster_id", "member_id", "raft_term" })
                    {
                        if (obj.ContainsKey(name)) obj[name] = 0;
                    }
                    foreach (var (_, child) in obj.ToList())
                    {
                        if (child is not null) Normalize(child);
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        if (child is not null) Normalize(child);
                    }
                    break;
            }
        }
    }

    public static async Task<Result> RunAsync(string endpoint, string? stdin, params string[] arguments)
    {
        var run = await CommandLineTool.RunAsync("etcdctl", ["--endpoints", endpoint, .. arguments], TimeSpan.FromSeconds(30),
            environment: new Dictionary<string, string> { ["ETCDCTL_API"] = "3" }, stdin: stdin);
        return new Result(run.ExitCode, run.Stdout, run.Stderr);
    }
}
