using System.Diagnostics;
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
        var info = new ProcessStartInfo("etcdctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["ETCDCTL_API"] = "3";
        info.ArgumentList.Add("--endpoints");
        info.ArgumentList.Add(endpoint);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("etcdctl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"etcdctl {string.Join(' ', arguments)} did not finish within 30 s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
