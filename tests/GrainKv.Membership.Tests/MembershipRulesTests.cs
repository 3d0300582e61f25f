namespace GrainKv.Membership.Tests;

public sealed class MembershipRulesTests
{
    [Theory]
    [InlineData("a@1 Active 0; b@1 Active 1; c@1 Active 9.5", "")]
    [InlineData("a@1 Active 0; b@1 Active 11", "b@1 MissedHeartbeats")]
    [InlineData("a@1 Active 0; b@1 Active 10", "")] // silent for exactly the timeout: still alive
    [InlineData("a@1 Active 0; b@1 Joining 30; c@1 ShuttingDown 30", "b@1 MissedHeartbeats, c@1 MissedHeartbeats")]
    [InlineData("a@1 Active 0; b@1 Dead 300", "")]
    [InlineData("a@1 Joining 0; b@1 Active 11", "b@1 MissedHeartbeats")]
    [InlineData("a@1 Active 0; b@1 Active 0; b@2 Joining 0", "b@1 Superseded")]
    [InlineData("a@1 Active 0; b@1 Active 12; b@2 Active 0", "b@1 Superseded")]
    [InlineData("a@1 Active 0; b@1 Active 0; b@2 Dead 0", "")] // a dead newer start supersedes nothing
    [InlineData("a@1 Active 0; b@1 Dead 50; b@2 Active 11; b@3 Joining 0", "b@2 Superseded")]
    [InlineData("a@1 Active 11; b@1 Active 30", "")] // its own heartbeat is stale: it does not judge silence
    [InlineData("a@1 Active 11; b@1 Active 30; b@2 Joining 0", "b@1 Superseded")]
    public void Judge_LiveSelf_DeclaresTheseDead(string table, string expectedDeaths)
    {
        var judgement = MembershipRules.Judge(TableText.Parse(table), TableText.Silo("a@1"), TableText.DeathTimeout);

        Assert.False(judgement.SelfDead);
        Assert.Equal(expectedDeaths, string.Join(", ", judgement.Deaths.Select(d => $"{d.Row.Silo} {d.Reason}")));
    }

    [Theory]
    [InlineData("a@1 Dead 0; b@1 Active 30")]
    [InlineData("b@1 Active 0")]
    [InlineData("a@1 Active 0; a@2 Joining 0; b@1 Active 30")]
    [InlineData("a@0 Dead 0; b@1 Active 0")]
    public void Judge_SelfDeadMissingOrSuperseded_SelfDeadAndDeclaresNothing(string table)
    {
        var judgement = MembershipRules.Judge(TableText.Parse(table), TableText.Silo("a@1"), TableText.DeathTimeout);

        Assert.True(judgement.SelfDead);
        Assert.Empty(judgement.Deaths);
    }

    [Theory]
    [InlineData("a@1 Active 0; b@1 Active 0; c@1 Active 0", "a@1, b@1, c@1")]
    [InlineData("c@1 Active 0; a@1 Active 0", "a@1, c@1")]
    [InlineData("a@1 Joining 0; b@1 ShuttingDown 0; c@1 Dead 0; d@1 Active 0", "d@1")]
    [InlineData("a@1 Active 10.5; b@1 Active 10", "b@1")]
    [InlineData("a@1 Active 0; a@2 Active 0", "a@2")]
    [InlineData("a@1 Active 0; a@2 Joining 0", "")] // the old start is on its way out, the new one not serving yet
    [InlineData("a@1 Active 0; a@2 Dead 0", "a@1")]
    [InlineData("", "")]
    public void Serving_ActiveHeartbeatingNewestOfEachName_ByName(string table, string expected)
    {
        var serving = MembershipRules.Serving(TableText.Parse(table), TableText.DeathTimeout);

        Assert.Equal(expected, string.Join(", ", serving.Select(row => row.Silo)));
    }

    [Theory]
    [InlineData("a@1 Active 0 pg-1; b@1 Active 0 pg-1; c@1 Active 0 pg-2", "b")]
    [InlineData("a@1 Active 0 pg-1; c@1 Joining 0 pg-1; b@1 ShuttingDown 0 pg-1", "b, c")]
    [InlineData("a@1 Active 0 pg-1; b@1 Dead 0 pg-1; c@1 Active 11 pg-1", "")]
    [InlineData("a@1 Active 0 pg-1; a@0 Active 0 pg-1", "")] // an older start of itself is no other silo
    [InlineData("a@1 Active 0; b@1 Active 0 pg-1", "")]
    [InlineData("a@1 Active 0; b@1 Active 0", "")]
    public void SharingStorage_OtherLiveSilosOnTheSameServer(string table, string expected)
    {
        var sharing = MembershipRules.SharingStorage(TableText.Parse(table), TableText.Silo("a@1"), TableText.DeathTimeout);

        Assert.Equal(expected, string.Join(", ", sharing));
    }

    [Theory]
    [InlineData("a@1 Active 0 cluster=x; b@1 Active 0 cluster=x; c@1 Active 0 cluster=x", "x by a@1, b@1, c@1")]
    [InlineData("c@1 Active 0 cluster=x; a@1 Joining 0 cluster=x; b@1 ShuttingDown 0 cluster=x", "x by a@1, b@1, c@1")]
    [InlineData("a@1 Active 0 cluster=x; b@1 Active 10 cluster=x", "x by a@1, b@1")] // silent for exactly the timeout: still alive
    [InlineData("a@1 Dead 0 cluster=x; b@1 Active 11 cluster=x", "")]
    [InlineData("a@1 Dead 0 cluster=old; a@2 Active 0 cluster=new", "new by a@2")]
    [InlineData("a@1 Active 0 cluster=old; a@2 Joining 0 cluster=new", "new by a@2")] // the old start is superseded
    [InlineData("a@1 Active 0 cluster=x; a@2 Dead 0 cluster=y", "x by a@1")]
    [InlineData("a@1 Active 0; b@1 Active 0 pg-1 cluster=x", "x by b@1")] // a row from before reports were made
    [InlineData("a@1 Active 0; b@1 Active 0", "")]
    [InlineData("b@1 Active 0 cluster=y; c@1 Active 0 cluster=x; a@1 Active 0 cluster=x", "x by a@1, c@1 | y by b@1")]
    [InlineData("", "")]
    public void Bootstraps_DistinctReportsOfTheNewestLiveIncarnations_WithTheirSilos(string table, string expected)
    {
        var reports = MembershipRules.Bootstraps(TableText.Parse(table), TableText.DeathTimeout);

        Assert.Equal(expected, string.Join(" | ", reports.Select(report => $"{report.Bootstrap} by {string.Join(", ", report.Silos)}")));
    }

    // changed= is the seconds since the row's status changed; the expiration is 7 days, 604800 seconds.
    [Theory]
    [InlineData("a@1 Active 0; b@1 Dead 20 changed=604801; b@2 Active 0", "b@1")]
    [InlineData("a@1 Active 0; b@1 Dead 20 changed=604800; b@2 Active 0", "")] // dead for exactly the expiration: kept
    [InlineData("a@1 Active 0; b@1 Dead 20 changed=604799.5; b@2 Active 0", "")]
    [InlineData("a@1 Active 0; b@1 Dead 900000 changed=10; b@2 Active 0", "")] // silent for long, but dead only lately
    [InlineData("a@1 Active 0; b@1 Dead 20 changed=604801", "")] // the newest row of its name
    [InlineData("a@1 Active 0; b@1 Active 0; b@2 Dead 20 changed=604801", "")] // the newest row of its name, an older one live
    [InlineData("a@1 Active 0; b@1 Dead 30 changed=900000; b@2 Dead 20 changed=700000; b@3 Dead 10 changed=604801", "b@1, b@2")]
    [InlineData("a@1 Active 0; b@1 Active 900000 changed=900000; b@2 Joining 900000 changed=900000; b@3 ShuttingDown 900000 changed=900000; b@4 Active 0", "")]
    [InlineData("c@5 Joining 0; c@1 Dead 0 changed=604801; b@2 Dead 0 changed=604801; b@1 Dead 0 changed=604801; a@1 Active 0", "b@1, c@1")]
    [InlineData("", "")]
    public void Defunct_DeadLongerThanTheExpirationAndNotTheNewestOfTheirName_ByNameAndGeneration(string table, string expected)
    {
        var defunct = MembershipRules.Defunct(TableText.Parse(table), TimeSpan.FromDays(7));

        Assert.Equal(expected, string.Join(", ", defunct.Select(row => row.Silo)));
    }
}
