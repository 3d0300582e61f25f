using Etcdserverpb;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>An open etcd Watch stream: send create/cancel/progress requests, read responses as they come.</summary>
public sealed class WatchSession : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<WatchRequest, WatchResponse> _call;
    private readonly StreamInbox<WatchResponse> _responses;

    public WatchSession(EtcdClient client)
    {
        _call = client.Watch();
        _responses = new StreamInbox<WatchResponse>(_call.ResponseStream.ReadAllAsync());
    }

    public Task CreateAsync(WatchCreateRequest create) => _call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create });

    public Task CancelAsync(long watchId) => _call.RequestStream.WriteAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = watchId } });

    public Task RequestProgressAsync() => _call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() });

    /// <summary>The next response, or null when none arrives within <paramref name="within"/>.</summary>
    public Task<WatchResponse?> NextAsync(TimeSpan within) => _responses.NextAsync(within);

    /// <summary>Responses until <paramref name="done"/> says enough, failing after <paramref name="within"/>.</summary>
    public Task<List<WatchResponse>> CollectAsync(Func<IReadOnlyList<WatchResponse>, bool> done, TimeSpan within) =>
        _responses.CollectAsync(done, within);

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        await _responses.Reader;
    }
}
