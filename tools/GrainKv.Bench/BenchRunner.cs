using System.Diagnostics;
using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// Drives a workload: opens the connections, runs the warm-up phase (not counted), then the measured phase with
/// <see cref="BenchSettings.Clients"/> concurrent clients, each sending its next request as soon as the last one
/// answers (closed loop, like etcd's benchmark). Each client keeps its own tally; they are merged at the end.
/// </summary>
public sealed class BenchRunner(BenchSettings settings, IWorkload workload, TextWriter progressOutput)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private long _completed;

    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        using EtcdConnections connections = settings.Connection.Open();
        if (settings.WarmupRequests > 0)
        {
            await RunPhaseAsync(connections, new RequestBudget(settings.WarmupRequests, RequestBudget.Unbounded), ct);
        }

        long start = Stopwatch.GetTimestamp();
        long deadline = settings.Duration is { } duration ? start + (long)(duration.TotalSeconds * Stopwatch.Frequency) : RequestBudget.Unbounded;
        var budget = new RequestBudget(settings.TotalRequests ?? RequestBudget.Unbounded, deadline);
        Interlocked.Exchange(ref _completed, 0);

        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task progress = settings.ShowProgress ? ShowProgressAsync(start, progressStop.Token) : Task.CompletedTask;
        ClientTally tally = await RunPhaseAsync(connections, budget, ct);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        await progressStop.CancelAsync();
        await progress;
        return BenchResult.From(tally, elapsed);
    }

    private async Task<ClientTally> RunPhaseAsync(EtcdConnections connections, RequestBudget budget, CancellationToken ct)
    {
        var clients = new Task<ClientTally>[settings.Clients];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = Task.Run(() => RunClientAsync(connections, budget, ct), CancellationToken.None);
        }

        var total = new ClientTally();
        foreach (ClientTally tally in await Task.WhenAll(clients))
        {
            total.Add(tally);
        }

        return total;
    }

    private async Task<ClientTally> RunClientAsync(EtcdConnections connections, RequestBudget budget, CancellationToken ct)
    {
        var tally = new ClientTally();
        var random = new Random();
        while (!ct.IsCancellationRequested && budget.TryTake(Stopwatch.GetTimestamp(), out long requestNumber))
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                await workload.SendAsync(connections.Next(), requestNumber, random, ct);
                tally.Latency.Record(StopwatchTime.NanosecondsBetween(start, Stopwatch.GetTimestamp()));
            }
            catch (Exception error) when (CallFailure.IsRunInterrupted(error, ct))
            {
                // Interrupted: the request in flight has no outcome; the run reports what completed before it.
                break;
            }
            catch (RpcException error)
            {
                tally.RecordError(error.StatusCode);
            }

            Interlocked.Increment(ref _completed);
        }

        return tally;
    }

    private async Task ShowProgressAsync(long start, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                DrawProgress(start);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            DrawProgress(start);
            progressOutput.WriteLine();
        }
    }

    private void DrawProgress(long start) => progressOutput.Write(
        ProgressBar.Format(Volatile.Read(ref _completed), settings.TotalRequests, Stopwatch.GetElapsedTime(start), settings.Duration));
}
