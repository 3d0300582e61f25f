using GrainKv.Runtime;

namespace GrainKv.Membership.Tests;

public sealed class MembershipViewTests
{
    [Fact]
    public void Find_ServingSilo_ReturnsItsAddressGenerationAndClientUrl()
    {
        var view = new MembershipView(TableText.DeathTimeout);
        view.Update(TableText.Parse("a@1 Dead 0; a@4 Active 0; b@2 Active 0"));

        var a = view.Find("a");

        Assert.NotNull(a);
        Assert.Equal(new SiloAddress("10.0.0.1", 4, 4), a.PeerAddress);
        Assert.Equal(new Uri("http://10.0.0.1:2004"), a.ClientUrl);
        Assert.Equal(["a", "b"], view.LiveSilos.Select(s => s.Name));
    }

    [Fact]
    public void Update_SiloDiesAndRestarts_ViewFollows()
    {
        var view = new MembershipView(TableText.DeathTimeout);
        view.Update(TableText.Parse("a@1 Active 0; b@1 Active 0"));

        view.Update(TableText.Parse("a@1 Active 0; b@1 Dead 11"));
        var whileDead = view.Find("b");
        view.Update(TableText.Parse("a@1 Active 0; b@1 Dead 30; b@2 Active 0"));

        Assert.Null(whileDead);
        Assert.Equal(2, view.Find("b")?.PeerAddress.Generation);
    }

    [Fact]
    public void Find_BeforeAnyUpdate_KnowsNoSilo()
    {
        var view = new MembershipView(TableText.DeathTimeout);

        Assert.Null(view.Find("a"));
        Assert.Empty(view.LiveSilos);
    }
}
