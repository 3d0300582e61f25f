using System.Globalization;
using Etcdserverpb;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Snapshots;

/// <summary>
/// A snapshot file saved with etcdctl from a single GrainKv silo after a known history: keys put, one overwritten,
/// one deleted, a lease with a key attached, a compaction; and what that silo answered just before saving it.
/// The silo is gone once the file is saved, so a restore is all that holds the data.
/// </summary>
public sealed class SavedSnapshot : IAsyncLifetime
{
    public const long CompactedAt = 4;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("grainkv-restore-").FullName;
    public string File => Path.Combine(Directory, "saved.snapshot");

    /// <summary>etcdctl get "" --prefix -w json of the silo, ids and term zeroed.</summary>
    public string Keys { get; private set; } = "";
    public long Revision { get; private set; }
    public long LeaseId { get; private set; }
    public string LeaseIdHex => LeaseId.ToString("x16", CultureInfo.InvariantCulture);
    public ulong ClusterId { get; private set; }
    public uint MemberHash { get; private set; }

    public async Task InitializeAsync()
    {
        using var server = await GrainKvServer.StartAsync();
        foreach (var (key, value) in new[] { ("a", "1"), ("b", "2"), ("a", "3"), ("c", "4") })
        {
            await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "put", key, value));
        }
        await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "del", "c"));
        var grant = await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "lease", "grant", "600"));
        LeaseId = long.Parse(grant.Stdout.Split(' ')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "put", "held", "x", "--lease", LeaseIdHex));
        await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "compaction", CompactedAt.ToString(CultureInfo.InvariantCulture)));

        Keys = (await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "get", "", "--prefix", "-w", "json"))).NormalizedJson();
        using var client = new EtcdClient(server.ClientUrl);
        var hash = await client.HashAsync();
        (Revision, ClusterId, MemberHash) = (hash.Header.Revision, hash.Header.ClusterId, hash.Hash);
        await Succeeded(Infrastructure.Etcdctl.RunAsync(server.Endpoint, null, "snapshot", "save", File));
    }

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private static async Task<Infrastructure.Etcdctl.Result> Succeeded(Task<Infrastructure.Etcdctl.Result> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        return result;
    }
}
