using System.Diagnostics;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GrainKv.Client;

/// <summary>
/// A granted lease, kept alive in the background as etcd's clients do: a keep-alive every third of the
/// TTL on one LeaseKeepAlive stream, moving to the next endpoint when it breaks. <see cref="Lost"/> fires
/// when the cluster answers that the lease is gone (TTL 0), or when no keep-alive got through within a
/// TTL, after which the cluster may have revoked it. Disposing stops the keep-alives and revokes the lease,
/// deleting its keys.
/// </summary>
public sealed partial class Lease : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly GrainKvClient _client;
    private readonly EtcdEndpoints _endpoints;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _keepingAlive;

    internal Lease(GrainKvClient client, EtcdEndpoints endpoints, long id, TimeSpan ttl, ILogger log)
    {
        _client = client;
        _endpoints = endpoints;
        _log = log;
        Id = id;
        Ttl = ttl;
        _keepingAlive = Task.Run(() => KeepAliveAsync(_stopping.Token));
    }

    public long Id { get; }

    /// <summary>The TTL the cluster granted.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Fires once the lease is lost; the keep-alives stop then.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Keep-alives the cluster answered.</summary>
    public int KeepAlives { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _keepingAlive;
        if (!_lost.IsCancellationRequested)
        {
            try
            {
                await _client.RevokeLeaseAsync(Id);
            }
            catch (RpcException error) when (error.StatusCode is StatusCode.NotFound or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                // Gone already, or the cluster is away: the lease expires by itself then.
            }
        }
        _lost.Dispose();
        _stopping.Dispose();
    }

    private async Task KeepAliveAsync(CancellationToken stopping)
    {
        var keptAt = Stopwatch.GetTimestamp();
        var endpoint = _endpoints.Current;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (endpoint is null) throw new InvalidOperationException("no endpoint is known");
                using var call = new Etcdserverpb.Lease.LeaseClient(_endpoints.Connection(endpoint)).LeaseKeepAlive(cancellationToken: stopping);
                // The wait for an answer ends at the lease's expiry through the read's own token: an
                // async iterator must not be disposed while a MoveNextAsync is still running.
                using var expiry = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                await using var answers = call.ResponseStream.ReadAllAsync(expiry.Token).GetAsyncEnumerator(expiry.Token);
                while (true)
                {
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = Id }, stopping);
                    var untilExpiry = Ttl - Stopwatch.GetElapsedTime(keptAt);
                    if (untilExpiry <= TimeSpan.Zero) break;
                    expiry.CancelAfter(untilExpiry);
                    if (!await answers.MoveNextAsync()) break;
                    expiry.CancelAfter(Timeout.InfiniteTimeSpan);
                    if (answers.Current.TTL <= 0)
                    {
                        Lose("the cluster answered that it is gone");
                        return;
                    }
                    keptAt = Stopwatch.GetTimestamp();
                    KeepAlives++;
                    await Task.Delay(Ttl / 3, stopping);
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is RpcException or OperationCanceledException or InvalidOperationException or IOException or HttpRequestException)
            {
                LogKeepAliveFailed(Id, endpoint, error.Message);
            }
            if (Stopwatch.GetElapsedTime(keptAt) >= Ttl)
            {
                Lose($"no keep-alive got through within its TTL of {Ttl.TotalSeconds:0} s");
                return;
            }
            endpoint = endpoint is null ? _endpoints.Current : _endpoints.MoveOn(endpoint);
            try
            {
                await Task.Delay(RetryDelay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Lose(string reason)
    {
        LogLost(Id, reason);
        _lost.Cancel();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Keep-alive of lease {LeaseId:x} on {Endpoint} failed: {Reason}")]
    private partial void LogKeepAliveFailed(long leaseId, Uri? endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease {LeaseId:x} is lost: {Reason}")]
    private partial void LogLost(long leaseId, string reason);
}
