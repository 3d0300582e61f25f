using System.Diagnostics;
using Etcdserverpb;
using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// Runs a watch-latency scenario: opens the streams and creates every watcher, then sends the puts at a fixed rate
/// from a connection of their own (as etcd's watch-latency benchmark does), one in flight at a time, and waits until
/// every event arrived or the drain timeout passed. Throws <see cref="RpcException"/> if a put fails.
/// </summary>
public sealed class WatchLatencyRun(WatchLatencySettings settings, ServerCpuMeter? serverCpu, TextWriter statusOutput)
{
    public async Task<WatchLatencyResult> RunAsync(CancellationToken ct)
    {
        using EtcdConnections connections = settings.Connection.Open();
        using var putConnection = new EtcdConnection(settings.Connection.Endpoints[0]);
        var putSentTimestamps = new long[settings.PutTotal];
        var countdown = new EventCountdown(settings.EventsExpected);
        var streams = new List<WatchLatencyStream>(settings.Streams);
        double setupSeconds;
        LatencyHistogram putLatency;
        ServerCpu? cpu;
        try
        {
            long setupStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < settings.Streams; i++)
            {
                streams.Add(new WatchLatencyStream(connections.Next(), settings.Key, settings.WatchersPerStream, putSentTimestamps, countdown));
            }

            await Task.WhenAll(streams.Select(stream => stream.CreateWatchersAsync(ct)));
            setupSeconds = Stopwatch.GetElapsedTime(setupStart).TotalSeconds;
            statusOutput.WriteLine($"{settings.Watchers} watchers created on {settings.Streams} streams in {setupSeconds:F2} s; putting");

            CpuSample? cpuStart = serverCpu?.Sample();
            putLatency = await PutAsync(putConnection, putSentTimestamps, ct);
            await countdown.WaitAsync(settings.DrainTimeout, ct);
            cpu = serverCpu is null ? null : ServerCpu.Between(serverCpu.Pid, cpuStart!.Value, serverCpu.Sample());
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        var delivery = new LatencyHistogram();
        foreach (var stream in streams)
        {
            delivery.Add(stream.Delivery);
        }

        return new WatchLatencyResult(
            settings,
            setupSeconds,
            streams.Sum(stream => stream.EventsReceived),
            streams.Sum(stream => stream.EventsOutOfOrder),
            streams.Select(stream => stream.Error).OfType<string>().Distinct().ToList(),
            LatencySummary.From(delivery),
            LatencySummary.From(putLatency),
            cpu);
    }

    /// <summary>Put n is due n/rate seconds after the first; a put that comes due while the last is in flight goes as soon as it answers.</summary>
    private async Task<LatencyHistogram> PutAsync(EtcdConnection connection, long[] sentTimestamps, CancellationToken ct)
    {
        var latency = new LatencyHistogram();
        long start = Stopwatch.GetTimestamp();
        for (int n = 0; n < settings.PutTotal; n++)
        {
            await StopwatchTime.DelayUntilAsync(StopwatchTime.After(start, TimeSpan.FromSeconds(n / settings.PutsPerSecond)), ct);

            var request = new PutRequest { Key = settings.Key, Value = PutNumberValue.Create(n, settings.ValueBytes) };
            long sent = Stopwatch.GetTimestamp();
            Volatile.Write(ref sentTimestamps[n], sent);
            await connection.Kv.PutAsync(request, cancellationToken: ct);
            latency.Record(StopwatchTime.NanosecondsBetween(sent, Stopwatch.GetTimestamp()));
        }

        return latency;
    }
}
