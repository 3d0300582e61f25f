using GrainKv.Runtime.Client;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime.Tests.Client;

public sealed class SiloSelectorTests
{
    private static readonly TimeSpan DelayMin = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DelayMax = TimeSpan.FromMilliseconds(400);
    private static readonly SiloEntry[] Silos = [Silo("a"), Silo("b"), Silo("c")];

    private static SiloEntry Silo(string name) => new(name, new SiloAddress("127.0.0.1", 7000 + name[0], 0), null);

    private static GrainId Grain(int i) => new("raftgroup", i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Choose_SameGrain_SameSiloEveryTime()
    {
        var selector = new SiloSelector(7, DelayMin, DelayMax);

        var first = selector.Choose(Grain(1), Silos, null, [], 0);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(first, selector.Choose(Grain(1), Silos, null, [], 0)));
    }

    [Fact]
    public void Choose_SiloOfOtherGrainsGone_GrainKeepsItsSilo()
    {
        var selector = new SiloSelector(7, DelayMin, DelayMax);
        var before = Enumerable.Range(0, 100).ToDictionary(i => i, i => selector.Choose(Grain(i), Silos, null, [], 0)!.Name);

        var after = Enumerable.Range(0, 100).ToDictionary(i => i, i => selector.Choose(Grain(i), [Silos[0], Silos[2]], null, [], 0)!.Name);

        Assert.All(before.Where(b => b.Value != "b"), b => Assert.Equal(b.Value, after[b.Key]));
        Assert.DoesNotContain("b", after.Values);
    }

    [Fact]
    public void Choose_DifferentSeeds_SpreadOneGrainOverTheSilos()
    {
        var chosen = Enumerable.Range(0, 60).Select(seed => new SiloSelector((ulong)seed, DelayMin, DelayMax).Choose(Grain(1), Silos, null, [], 0)!.Name);

        Assert.Equal(["a", "b", "c"], chosen.Distinct().Order());
    }

    [Fact]
    public void Choose_Preferred_WinsUnlessPassedOverOrTried()
    {
        var selector = new SiloSelector(7, DelayMin, DelayMax);
        var own = selector.Choose(Grain(1), Silos, null, [], 0)!.Name;
        var preferred = Silos.First(s => s.Name != own).Name;

        Assert.Equal(preferred, selector.Choose(Grain(1), Silos, preferred, [], 0)!.Name);
        Assert.Equal(own, selector.Choose(Grain(1), Silos, preferred, [preferred], 0)!.Name);
        selector.ReportUnreachable(preferred, 0);
        Assert.Equal(own, selector.Choose(Grain(1), Silos, preferred, [], 50)!.Name);
        Assert.Equal(preferred, selector.Choose(Grain(1), Silos, preferred, [], 100)!.Name);
        Assert.Equal(own, selector.Choose(Grain(1), Silos, "not-live", [], 0)!.Name);
    }

    [Fact]
    public void ReportUnreachable_InARow_DelayDoublesUpToTheMaximum()
    {
        var selector = new SiloSelector(7, DelayMin, DelayMax);

        Assert.True(selector.ReportUnreachable("a", 0));
        Assert.True(selector.IsPassedOver("a", 99));
        Assert.False(selector.IsPassedOver("a", 100));
        Assert.False(selector.ReportUnreachable("a", 100));
        Assert.True(selector.IsPassedOver("a", 299));
        Assert.False(selector.IsPassedOver("a", 300));
        selector.ReportUnreachable("a", 300);
        selector.ReportUnreachable("a", 700);
        Assert.False(selector.IsPassedOver("a", 1100));
        Assert.True(selector.ReportReachable("a"));
        Assert.False(selector.ReportReachable("a"));
        selector.ReportUnreachable("a", 2000);
        Assert.False(selector.IsPassedOver("a", 2100));
    }

    [Fact]
    public void Choose_EveryLiveSiloPassedOver_TriesOneAnyway()
    {
        var selector = new SiloSelector(7, DelayMin, DelayMax);
        foreach (var silo in Silos) selector.ReportUnreachable(silo.Name, 0);

        Assert.NotNull(selector.Choose(Grain(1), Silos, null, [], 1));
        Assert.Null(selector.Choose(Grain(1), Silos, null, ["a", "b", "c"], 1));
        Assert.Null(selector.Choose(Grain(1), [], null, [], 1));
    }
}
