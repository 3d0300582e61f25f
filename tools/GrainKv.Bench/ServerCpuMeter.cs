using System.Diagnostics;

namespace GrainKv.Bench;

/// <summary>
/// Reads how much CPU a server process has used: utime + stime of <c>/proc/&lt;pid&gt;/stat</c>, which is what
/// <see cref="Process.TotalProcessorTime"/> reads on Linux, so threads that ran and exited count too. Take a
/// sample where the measured window opens and one where it ends; <see cref="ServerCpu.Between"/> gives the usage.
/// </summary>
public sealed class ServerCpuMeter : IDisposable
{
    private readonly Process _process;

    private ServerCpuMeter(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    /// <summary>A meter on process <paramref name="pid"/>, or why it cannot be measured.</summary>
    public static (ServerCpuMeter? Meter, string? Error) Open(int pid)
    {
        try
        {
            var process = Process.GetProcessById(pid);
            _ = process.TotalProcessorTime;
            return (new ServerCpuMeter(process), null);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            return (null, $"--server-pid {pid}: no such process to measure");
        }
    }

    public CpuSample Sample()
    {
        _process.Refresh();
        return new CpuSample(_process.TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    public void Dispose() => _process.Dispose();
}
