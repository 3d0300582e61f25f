using System.Diagnostics;

namespace GrainKv.Bench;

/// <summary>The CPU seconds a server process used over a window of wall-clock seconds.</summary>
public sealed record ServerCpu(int Pid, double CpuSeconds, double WindowSeconds)
{
    /// <summary>100 is one core kept busy for the whole window.</summary>
    public double PercentOfOneCore => WindowSeconds > 0 ? 100 * CpuSeconds / WindowSeconds : 0;

    public static ServerCpu Between(int pid, CpuSample start, CpuSample end) =>
        new(pid, (end.Cpu - start.Cpu).TotalSeconds, Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds);
}
