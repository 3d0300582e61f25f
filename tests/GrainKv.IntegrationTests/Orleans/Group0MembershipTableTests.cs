using System.Net;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Orleans.Membership;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace GrainKv.IntegrationTests.Orleans;

/// <summary>
/// The contract of Orleans' <see cref="IMembershipTable"/> as <see cref="Group0MembershipTable"/> keeps it in the group 0
/// of a real GrainKv silo, reached over its peer URL as a stand-alone gateway reaches it.
/// </summary>
public sealed class Group0MembershipTableTests : IDisposable
{
    private readonly GrainKvCluster _silos;
    private readonly ServiceProvider _services;
    private readonly Group0MembershipTable _table;

    public Group0MembershipTableTests()
    {
        _silos = GrainKvCluster.StartAsync(size: 1).GetAwaiter().GetResult();
        _services = Group0Services.For(_silos, "table-test").BuildServiceProvider();
        _table = _services.GetRequiredService<Group0MembershipTable>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _silos.Dispose();
    }

    [Fact]
    public async Task NewTable_InitializedTwice_HasVersionZeroAndNoRows()
    {
        await _table.InitializeMembershipTable(true);
        await _table.InitializeMembershipTable(true);

        var table = await _table.ReadAll();

        Assert.Empty(table.Members);
        Assert.Equal(0, table.Version.Version);
    }

    [Fact]
    public async Task InsertRow_OnlyAtTheCurrentVersionAndOnlyOnce()
    {
        await _table.InitializeMembershipTable(true);
        var initial = (await _table.ReadAll()).Version;
        var a = Entry(1, SiloStatus.Joining);

        Assert.True(await _table.InsertRow(a, initial.Next()));
        Assert.False(await _table.InsertRow(Entry(2, SiloStatus.Joining), initial.Next()));
        var afterInsert = (await _table.ReadAll()).Version;
        Assert.False(await _table.InsertRow(a, afterInsert.Next()));

        var table = await _table.ReadAll();
        var row = Assert.Single(table.Members);
        Assert.Equal(a.SiloAddress, row.Item1.SiloAddress);
        Assert.Equal("silo-1", row.Item1.SiloName);
        Assert.Equal(1, table.Version.Version);
        Assert.NotEqual(initial.VersionEtag, table.Version.VersionEtag);
    }

    [Fact]
    public async Task UpdateRow_NeedsTheRowsEtagAndTheCurrentVersion()
    {
        await _table.InitializeMembershipTable(true);
        var entry = Entry(1, SiloStatus.Joining);
        Assert.True(await _table.InsertRow(entry, (await _table.ReadAll()).Version.Next()));
        var read = await _table.ReadRow(entry.SiloAddress);
        var etag = read.Members[0].Item2;

        entry.Status = SiloStatus.Active;
        Assert.False(await _table.UpdateRow(entry, etag + "0", read.Version.Next()));
        Assert.True(await _table.UpdateRow(entry, etag, read.Version.Next()));
        Assert.False(await _table.UpdateRow(entry, etag, (await _table.ReadAll()).Version.Next()));

        var after = await _table.ReadRow(entry.SiloAddress);
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
        Assert.Equal(2, after.Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyTheTime_NotTheEtagNorTheVersion()
    {
        await _table.InitializeMembershipTable(true);
        var entry = Entry(1, SiloStatus.Active);
        Assert.True(await _table.InsertRow(entry, (await _table.ReadAll()).Version.Next()));
        var before = await _table.ReadRow(entry.SiloAddress);

        var alive = new DateTime(2026, 12, 7, 3, 0, 0, DateTimeKind.Utc);
        await _table.UpdateIAmAlive(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive });
        await _table.UpdateIAmAlive(Entry(9, SiloStatus.Active));

        var after = await _table.ReadAll();
        var row = Assert.Single(after.Members);
        Assert.Equal(alive, row.Item1.IAmAliveTime);
        Assert.Equal(before.Members[0].Item2, row.Item2);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyDeadRowsAliveLongAgo_DeleteEntriesRemovesTheCluster()
    {
        await _table.InitializeMembershipTable(true);
        var longDead = Entry(1, SiloStatus.Dead, aliveAt: DateTime.UtcNow.AddHours(-2));
        var recentlyDead = Entry(2, SiloStatus.Dead, aliveAt: DateTime.UtcNow);
        var oldButActive = Entry(3, SiloStatus.Active, aliveAt: DateTime.UtcNow.AddHours(-2));
        foreach (var entry in new[] { longDead, recentlyDead, oldButActive })
        {
            Assert.True(await _table.InsertRow(entry, (await _table.ReadAll()).Version.Next()));
        }

        await _table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddHours(-1));

        Assert.Equal([recentlyDead.SiloAddress, oldButActive.SiloAddress],
            (await _table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).OrderBy(a => a.Endpoint.Port));
        await _table.DeleteMembershipTableEntries("table-test");
        Assert.Empty((await _table.ReadAll()).Members);
    }

    private static MembershipEntry Entry(int n, SiloStatus status, DateTime? aliveAt = null) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, 11110 + n, 100 + n),
        SiloName = $"silo-{n}",
        HostName = "localhost",
        Status = status,
        ProxyPort = 30000 + n,
        StartTime = DateTime.UtcNow.AddHours(-3),
        IAmAliveTime = aliveAt ?? DateTime.UtcNow,
    };
}
