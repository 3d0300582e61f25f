using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Coordination;

/// <summary>
/// etcdctl's coordination commands against a 3-silo GrainKv: watch (with --prefix, --rev and
/// --prev-kv), lock with a second contender that must wait, and elect. They are client-side
/// recipes over KV, Lease and Watch, so they exercise all three together.
/// </summary>
public sealed class EtcdctlCoordinationTests
{
    private static readonly Dictionary<string, string> Api3 = new() { ["ETCDCTL_API"] = "3" };

    [Fact]
    public async Task WatchLockAndElect_WorkAcrossMembers()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var writer = cluster.Members[0].Endpoint;
        var watcherEndpoint = cluster.Members[2].Endpoint;

        // watch --prefix --prev-kv from a past revision: history first, then live events, on another member.
        var first = await Infrastructure.Etcdctl.RunAsync(writer, null, "-w", "json", "put", "cw/a", "1");
        var revision = System.Text.Json.Nodes.JsonNode.Parse(first.Stdout)!["header"]!["revision"]!.GetValue<long>();
        using (var watch = ServerProcess.Start("etcdctl", ["--endpoints", watcherEndpoint, "watch", "--prefix", "cw/", "--prev-kv", "--rev", revision.ToString(System.Globalization.CultureInfo.InvariantCulture)], Api3))
        {
            await Infrastructure.Etcdctl.RunAsync(writer, null, "put", "cw/a", "2");
            await Infrastructure.Etcdctl.RunAsync(writer, null, "del", "cw/a");
            await Eventually(() => watch.Output.Contains("DELETE"), () => $"watch printed: {watch.Output}");
            var lines = watch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
            Assert.Equal(["PUT", "cw/a", "1", "PUT", "cw/a", "1", "cw/a", "2", "DELETE", "cw/a", "2", "cw/a"], lines.Take(12));
        }

        // lock: the second contender runs only after the first released the lock, so its line comes second.
        var order = Path.Combine(Path.GetTempPath(), $"grainkv-lock-order-{Guid.NewGuid():N}");
        try
        {
            var holder = Infrastructure.Etcdctl.RunAsync(cluster.Members[0].Endpoint, null, "lock", "cl", "--", "sh", "-c", $"sleep 2; echo first >> {order}");
            await Eventually(() => LockKeyExistsAsync(cluster.Members[1].Endpoint), () => "the first contender never took the lock");
            var contender = await Infrastructure.Etcdctl.RunAsync(cluster.Members[1].Endpoint, null, "lock", "cl", "--", "sh", "-c", $"echo second >> {order}");
            var held = await holder;
            Assert.True(held.ExitCode == 0, held.Stderr);
            Assert.True(contender.ExitCode == 0, contender.Stderr);
            Assert.Equal(["first", "second"], File.ReadAllLines(order));
        }
        finally
        {
            File.Delete(order);
        }

        // elect: a campaigner becomes leader, and an observer (-l) on every member sees it.
        using var alice = ServerProcess.Start("etcdctl", ["--endpoints", writer, "elect", "ce", "alice"], Api3);
        await Eventually(() => alice.Output.Contains("alice"), () => $"elect printed: {alice.Output}");
        foreach (var member in cluster.Members)
        {
            using var observer = ServerProcess.Start("etcdctl", ["--endpoints", member.Endpoint, "elect", "-l", "ce"], Api3);
            await Eventually(() => observer.Output.Contains("alice"), () => $"elect -l on {member.Name} printed: {observer.Output}");
        }
    }

    private static async Task<bool> LockKeyExistsAsync(string endpoint) =>
        (await Infrastructure.Etcdctl.RunAsync(endpoint, null, "get", "--prefix", "--keys-only", "cl/")).Stdout.Contains("cl/");

    private static Task Eventually(Func<bool> condition, Func<string> failure) => Eventually(() => Task.FromResult(condition()), failure);

    private static async Task Eventually(Func<Task<bool>> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(100);
        }
    }
}
