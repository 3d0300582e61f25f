namespace GrainKv.Client;

/// <summary>How a <see cref="ResumableWatchStream"/> moves between upstream endpoints.</summary>
public sealed record ResumableWatchOptions
{
    /// <summary>The pause before trying the next endpoint after one failed.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>With no endpoint answering for this long, the stream ends with Unavailable, and the client re-watches.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Responses relayed but not yet taken; a slow client makes the upstream wait (and its watchers lag) beyond it.</summary>
    public int ResponseBuffer { get; init; } = 128;
}
