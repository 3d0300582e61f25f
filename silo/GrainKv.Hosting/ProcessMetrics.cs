using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GrainKv.Hosting;

/// <summary>
/// The <c>process_*</c> family of Prometheus' process collector, by its names and help texts, which etcd's dashboards
/// and <c>etcdctl check datascale</c> (process_resident_memory_bytes) read. .NET's own process meters
/// (<c>System.Runtime</c>'s dotnet.process.*) are exported too, but under names those tools do not know.
/// </summary>
public sealed class ProcessMetrics
{
    public const string MeterName = "GrainKv.Process";

    public ProcessMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("process_cpu_seconds_total", () => Environment.CpuUsage.TotalTime.TotalSeconds,
            description: "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge("process_resident_memory_bytes", () => Environment.WorkingSet,
            description: "Resident memory size in bytes.");
        meter.CreateObservableGauge("process_virtual_memory_bytes", () => Read(process => process.VirtualMemorySize64),
            description: "Virtual memory size in bytes.");
        meter.CreateObservableGauge("process_start_time_seconds", () => Read(process => new DateTimeOffset(process.StartTime).ToUnixTimeMilliseconds() / 1000.0),
            description: "Start time of the process since unix epoch in seconds.");
        if (OperatingSystem.IsLinux())
        {
            meter.CreateObservableGauge("process_open_fds", () => Directory.GetFiles("/proc/self/fd").Length,
                description: "Number of open file descriptors.");
        }
    }

    private static T Read<T>(Func<Process, T> value)
    {
        using var process = Process.GetCurrentProcess();
        return value(process);
    }
}
