namespace GrainKv.MemberData;

/// <summary>dbSize for Maintenance.Status and the quota check with SQLite storage: the bytes of the silo's data dir on disk.</summary>
public sealed class FileDatabaseSize : PeriodicDatabaseSize
{
    private readonly string _dataDir;

    /// <summary>Measured once at once, so that the first write already counts the store the silo started with.</summary>
    public FileDatabaseSize(string dataDir) : base(Measure(dataDir))
    {
        _dataDir = dataDir;
    }

    protected override Task<long?> MeasureAsync() => Task.Run(() => Measure(_dataDir));

    private static long? Measure(string dataDir)
    {
        try
        {
            return Directory.Exists(dataDir)
                ? new DirectoryInfo(dataDir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
                : 0;
        }
        catch (IOException)
        {
            // A file went away while being counted (a snapshot replaced, the WAL truncated): the last size stands.
            return null;
        }
    }
}
