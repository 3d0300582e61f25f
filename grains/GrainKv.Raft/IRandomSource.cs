namespace GrainKv.Raft;

/// <summary>The node's only source of randomness (election timeouts), so a seed replays a run.</summary>
public interface IRandomSource
{
    /// <summary>A value in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);
}
