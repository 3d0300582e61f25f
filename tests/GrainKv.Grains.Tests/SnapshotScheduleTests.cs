using GrainKv.Grains.Replication;

namespace GrainKv.Grains.Tests;

public sealed class SnapshotScheduleTests
{
    [Fact]
    public void IsDue_WithNoSnapshotYet_OnceCountEntriesAreApplied()
    {
        var schedule = new SnapshotSchedule(count: 3, lastSnapshotBytes: 0, compactRevision: 0);

        schedule.Applied(10);
        schedule.Applied(10);
        Assert.False(schedule.IsDue(compactRevision: 0));
        schedule.Applied(10);

        Assert.True(schedule.IsDue(compactRevision: 0));
    }

    [Fact]
    public void IsDue_PastTheCount_OnlyOnceTheEntriesSinceWeighAsMuchAsTheLastSnapshot()
    {
        var schedule = new SnapshotSchedule(count: 2, lastSnapshotBytes: 100, compactRevision: 0);

        schedule.Applied(40);
        schedule.Applied(40);
        Assert.False(schedule.IsDue(compactRevision: 0));
        schedule.Applied(19);
        Assert.False(schedule.IsDue(compactRevision: 0));
        schedule.Applied(1);

        Assert.True(schedule.IsDue(compactRevision: 0));
    }

    [Fact]
    public void IsDue_HeavyEntries_StillWaitForTheCount()
    {
        var schedule = new SnapshotSchedule(count: 3, lastSnapshotBytes: 100, compactRevision: 0);

        schedule.Applied(1_000);
        schedule.Applied(1_000);

        Assert.False(schedule.IsDue(compactRevision: 0));
    }

    [Fact]
    public void IsDue_ACompactionSinceTheLastSnapshot_DueByCountAlone()
    {
        var schedule = new SnapshotSchedule(count: 2, lastSnapshotBytes: 1_000_000, compactRevision: 5);

        schedule.Applied(10);
        schedule.Applied(10);
        Assert.False(schedule.IsDue(compactRevision: 5));

        Assert.True(schedule.IsDue(compactRevision: 9));
    }

    [Fact]
    public void Taken_CountsAgainFromNothing_AndSaved_WeighsTheNextAgainstTheNewSize()
    {
        var schedule = new SnapshotSchedule(count: 1, lastSnapshotBytes: 0, compactRevision: 0);
        schedule.Applied(10);
        Assert.True(schedule.IsDue(compactRevision: 4));

        schedule.Taken(compactRevision: 4);
        Assert.False(schedule.IsDue(compactRevision: 4));
        schedule.Saved(snapshotBytes: 50);
        schedule.Applied(49);
        Assert.False(schedule.IsDue(compactRevision: 4));
        schedule.Applied(1);

        Assert.True(schedule.IsDue(compactRevision: 4));
    }
}
