using System.Threading.Channels;
using Etcdserverpb;
using GrainKv.Runtime.Grpc;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>An open etcd Watch stream: send create/cancel/progress requests, read responses as they come.</summary>
public sealed class WatchSession : IAsyncDisposable
{
    private readonly DuplexCall<WatchRequest, WatchResponse> _call;
    private readonly Channel<WatchResponse> _responses = Channel.CreateUnbounded<WatchResponse>();
    private readonly Task _reader;

    public WatchSession(EtcdClient client)
    {
        var metadata = new GrpcMetadata();
        metadata.Add("hasleader", "true");
        _call = client.Grpc.Duplex<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser, metadata, Timeout.InfiniteTimeSpan);
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in _call.ReadAllAsync()) await _responses.Writer.WriteAsync(response);
                _responses.Writer.Complete();
            }
            catch (Exception ex)
            {
                _responses.Writer.Complete(ex);
            }
        });
    }

    public Task CreateAsync(WatchCreateRequest create) => _call.WriteAsync(new WatchRequest { CreateRequest = create });

    public Task CancelAsync(long watchId) => _call.WriteAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = watchId } });

    public Task RequestProgressAsync() => _call.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() });

    /// <summary>The next response, or null when none arrives within <paramref name="within"/>.</summary>
    public async Task<WatchResponse?> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _responses.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Responses until <paramref name="done"/> says enough, failing after <paramref name="within"/>.</summary>
    public async Task<List<WatchResponse>> CollectAsync(Func<IReadOnlyList<WatchResponse>, bool> done, TimeSpan within)
    {
        var collected = new List<WatchResponse>();
        var deadline = DateTime.UtcNow + within;
        while (!done(collected))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"watch gave {collected.Count} responses and no more: {string.Join(" | ", collected)}");
            if (await NextAsync(left) is { } response) collected.Add(response);
        }
        return collected;
    }

    public async ValueTask DisposeAsync()
    {
        await _call.DisposeAsync();
        try { await _reader; } catch (Exception) { }
    }
}
