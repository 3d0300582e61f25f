using System.Net;
using GrainKv.Grains.Placement;

namespace GrainKv.Orleans.Tests.Placement;

public sealed class PinnedSiloTests
{
    private static ClusterMember Member(string name, int port, int generation, SiloStatus status = SiloStatus.Active) =>
        new(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation), status, name);

    [Fact]
    public void Choose_NamedSiloActive_ReturnsIt()
    {
        var members = new[] { Member("a", 11111, 1), Member("b", 11112, 1), Member("c", 11113, 1) };

        Assert.Equal(members[1].SiloAddress, PinnedSilo.Choose(members, "b"));
    }

    [Fact]
    public void Choose_ZombieAndRestartedShareName_ReturnsNewestGeneration()
    {
        var restarted = Member("b", 11112, 7);
        var members = new[] { Member("a", 11111, 1), restarted, Member("b", 11112, 3) };

        Assert.Equal(restarted.SiloAddress, PinnedSilo.Choose(members, "b"));
    }

    [Fact]
    public void Choose_NewerGenerationNotActive_ReturnsActiveOne()
    {
        var active = Member("b", 11112, 3);
        var members = new[] { Member("b", 11112, 7, SiloStatus.Joining), active, Member("b", 11114, 9, SiloStatus.Dead) };

        Assert.Equal(active.SiloAddress, PinnedSilo.Choose(members, "b"));
    }

    [Theory]
    [InlineData(SiloStatus.Dead)]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    [InlineData(SiloStatus.Joining)]
    [InlineData(SiloStatus.Created)]
    public void Choose_NamedSiloNotActive_ReturnsNull(SiloStatus status)
    {
        var members = new[] { Member("a", 11111, 1), Member("b", 11112, 1, status) };

        Assert.Null(PinnedSilo.Choose(members, "b"));
    }

    [Fact]
    public void Choose_NameAbsent_ReturnsNull()
    {
        var members = new[] { Member("a", 11111, 1), Member("B", 11112, 1) };

        Assert.Null(PinnedSilo.Choose(members, "b"));
    }
}
