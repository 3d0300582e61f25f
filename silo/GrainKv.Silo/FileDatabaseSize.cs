using GrainKv.Grains.Cluster;

namespace GrainKv.Silo;

/// <summary>
/// dbSize for Maintenance.Status and the quota check with SQLite storage: the bytes of the silo's data dir on disk,
/// measured at most once a second because the quota check sits on the write path.
/// </summary>
public sealed class FileDatabaseSize(string dataDir) : IDatabaseSize
{
    private const long RefreshMs = 1000;
    private long _bytes;
    private long _measuredAtMs = long.MinValue / 2;

    public long Bytes
    {
        get
        {
            var now = Environment.TickCount64;
            if (now - Volatile.Read(ref _measuredAtMs) >= RefreshMs)
            {
                Volatile.Write(ref _bytes, Measure());
                Volatile.Write(ref _measuredAtMs, now);
            }
            return Volatile.Read(ref _bytes);
        }
    }

    private long Measure() =>
        Directory.Exists(dataDir)
            ? new DirectoryInfo(dataDir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
}
