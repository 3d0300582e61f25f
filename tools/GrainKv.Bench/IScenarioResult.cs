namespace GrainKv.Bench;

/// <summary>The outcome of a streaming scenario (watch-latency, lease-keepalive).</summary>
public interface IScenarioResult
{
    /// <summary>Whether the server did everything the scenario asked of it; otherwise the run exits with code 2.</summary>
    bool Complete { get; }
}
