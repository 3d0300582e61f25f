using System.Threading.Channels;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>The messages of a response stream, read in the background as they come, for a test to take within a time bound.</summary>
public sealed class StreamInbox<T> where T : class
{
    private readonly Channel<T> _messages = Channel.CreateUnbounded<T>();

    public StreamInbox(IAsyncEnumerable<T> stream)
    {
        Reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in stream) await _messages.Writer.WriteAsync(message);
                _messages.Writer.Complete();
            }
            catch (Exception ex)
            {
                _messages.Writer.Complete(ex);
            }
        });
    }

    /// <summary>Ends when the stream does; never faults.</summary>
    public Task Reader { get; }

    /// <summary>The next message, or null when none arrives within <paramref name="within"/>.</summary>
    public async Task<T?> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Messages until <paramref name="done"/> says enough, failing after <paramref name="within"/>.</summary>
    public async Task<List<T>> CollectAsync(Func<IReadOnlyList<T>, bool> done, TimeSpan within)
    {
        var collected = new List<T>();
        var deadline = DateTime.UtcNow + within;
        while (!done(collected))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"the stream gave {collected.Count} messages and no more: {string.Join(" | ", collected)}");
            if (await NextAsync(left) is { } message) collected.Add(message);
        }
        return collected;
    }
}
