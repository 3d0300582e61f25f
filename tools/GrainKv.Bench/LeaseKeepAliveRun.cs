using System.Diagnostics;
using Etcdserverpb;
using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// Runs a lease-keepalive scenario: grants the leases over the first interval (ids of its own, so answers map back to
/// leases), keeps them alive for one more interval of warm-up and then the measured window, samples the server's CPU
/// at the window's edges, and revokes the leases so the server is left as it was. Throws <see cref="RpcException"/>
/// if a grant fails.
/// </summary>
public sealed class LeaseKeepAliveRun(LeaseKeepAliveSettings settings, ServerCpuMeter? serverCpu, TextWriter statusOutput)
{
    /// <summary>How long the answers to the last keep-alives may take before they count as unanswered.</summary>
    private static readonly TimeSpan AnswersTimeout = TimeSpan.FromSeconds(5);

    public async Task<LeaseKeepAliveResult> RunAsync(CancellationToken ct)
    {
        using EtcdConnections connections = settings.Connection.Open();
        long idBase = Random.Shared.NextInt64(1, long.MaxValue - settings.Leases);
        var streams = new List<LeaseKeepAliveStream>(settings.Streams);
        CpuSample? cpuStart = null;
        CpuSample? cpuEnd = null;
        int revokeErrors;
        KeepAliveTimeline timeline = Timeline(Stopwatch.GetTimestamp());
        try
        {
            statusOutput.WriteLine(
                $"granting {settings.Leases} leases over {settings.Interval.TotalSeconds:F2} s and renewing each every {settings.Interval.TotalSeconds:F2} s "
                + $"over {settings.Streams} streams; measuring {settings.Duration.TotalSeconds:F0} s after one interval of warm-up");
            var sentTimestamps = new long[settings.Leases];
            for (int i = 0; i < settings.Streams; i++)
            {
                int[] leases = Enumerable.Range(0, settings.Leases).Where(lease => lease % settings.Streams == i).ToArray();
                streams.Add(new LeaseKeepAliveStream(connections.Next(), settings, timeline, idBase, leases, sentTimestamps));
            }

            Task senders = Task.WhenAll(streams.Select(stream => stream.RunAsync(ct)));
            if (serverCpu is not null)
            {
                await StopwatchTime.DelayUntilAsync(timeline.WindowStart, ct);
                cpuStart = serverCpu.Sample();
                await StopwatchTime.DelayUntilAsync(timeline.WindowEnd, ct);
                cpuEnd = serverCpu.Sample();
            }

            await senders;
            await Task.WhenAll(streams.Select(stream => stream.CloseAsync(AnswersTimeout)));
            revokeErrors = await RevokeAsync(connections, idBase, ct);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        var latency = new LatencyHistogram();
        foreach (var stream in streams)
        {
            latency.Add(stream.Latency);
        }

        return new LeaseKeepAliveResult(
            settings,
            streams.Sum(stream => stream.Sent),
            streams.Sum(stream => stream.Answered),
            streams.Sum(stream => stream.AnsweredInWindow),
            Stopwatch.GetElapsedTime(timeline.WindowStart, timeline.WindowEnd).TotalSeconds,
            streams.Sum(stream => stream.LeasesLost),
            revokeErrors,
            streams.SelectMany(stream => stream.Errors).Distinct().ToList(),
            LatencySummary.From(latency),
            serverCpu is null ? null : ServerCpu.Between(serverCpu.Pid, cpuStart!.Value, cpuEnd!.Value));
    }

    /// <summary>An interval of grants, an interval of warm-up renewals, then the measured window.</summary>
    private KeepAliveTimeline Timeline(long start)
    {
        long windowStart = StopwatchTime.After(start, 2 * settings.Interval);
        return new KeepAliveTimeline(start, windowStart, StopwatchTime.After(windowStart, settings.Duration));
    }

    /// <summary>Revokes every lease; a lease the server already dropped answers an error, counted, not thrown.</summary>
    private async Task<int> RevokeAsync(EtcdConnections connections, long idBase, CancellationToken ct)
    {
        int errors = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Leases),
            new ParallelOptions { MaxDegreeOfParallelism = LeaseKeepAliveSettings.RevokeConcurrency, CancellationToken = ct },
            async (lease, _) =>
            {
                try
                {
                    await connections.Next().Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = idBase + lease }, cancellationToken: ct);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            });
        return errors;
    }
}
