using Google.Protobuf;
using V3Electionpb;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>An open Election/Observe stream: what it has sent so far, read as it comes; disposing cancels it.</summary>
public sealed class ObserveSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StreamInbox<LeaderResponse> _responses;

    public ObserveSession(EtcdClient client, ByteString name)
    {
        _responses = new StreamInbox<LeaderResponse>(client.ObserveAsync(name, _stop.Token));
    }

    /// <summary>The next <paramref name="count"/> responses, failing after <paramref name="within"/>.</summary>
    public Task<List<LeaderResponse>> NextAsync(int count, TimeSpan within) => _responses.CollectAsync(r => r.Count == count, within);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _responses.Reader;
        _stop.Dispose();
    }
}
