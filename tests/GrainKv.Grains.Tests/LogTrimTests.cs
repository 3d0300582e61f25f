using GrainKv.Grains.Replication;

namespace GrainKv.Grains.Tests;

public sealed class LogTrimTests
{
    [Fact]
    public void NothingAdopted_NothingToDelete()
    {
        var trim = new LogTrim();

        Assert.Null(trim.NextSlice);
        Assert.Equal(7UL, trim.FirstSliceOf(7));
    }

    [Fact]
    public void ALargeObsoleteLog_IsDeletedASliceAtATime_NeverPastTheSnapshot()
    {
        var trim = new LogTrim();
        var snapshotIndex = 2 * LogTrim.RowsPerSlice + 10;

        var first = trim.FirstSliceOf(snapshotIndex);
        trim.Deleted(first);
        trim.SnapshotAdopted(snapshotIndex);
        var second = trim.NextSlice!.Value;
        trim.Deleted(second);
        var third = trim.NextSlice!.Value;
        trim.Deleted(third);

        Assert.Equal([LogTrim.RowsPerSlice, 2 * LogTrim.RowsPerSlice, snapshotIndex], [first, second, third]);
        Assert.Null(trim.NextSlice);
    }

    [Fact]
    public void ASliceNotYetSaved_IsOfferedAgain()
    {
        var trim = new LogTrim();
        trim.SnapshotAdopted(3 * LogTrim.RowsPerSlice);

        var offered = trim.NextSlice;

        Assert.Equal(offered, trim.NextSlice);
    }

    [Fact]
    public void AnOlderSnapshotAdoptedLate_NeverShrinksWhatIsObsolete()
    {
        var trim = new LogTrim();
        trim.SnapshotAdopted(100);
        trim.SnapshotAdopted(40);
        trim.Deleted(100);

        Assert.Null(trim.NextSlice);
    }
}
