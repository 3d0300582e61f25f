using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Group 0's revision oracle as a shard's leaders see it, for the seeds that run the shard as one of several: each
/// request is answered after a simulated round trip, never before an earlier one, with a revision taken from one
/// counter when the answer is made (so after the request), leaving gaps as other shards' writes would; now and then
/// an allocation fails, as when group 0 has no leader.
/// </summary>
public sealed class SimulatedOracle(VirtualClock clock, SeededRandomSource random, int maxDelayMs, Action answered) : IRevisionSource
{
    private long _allocated = 1;
    private long _lastAnswerMs;

    public void Request(Action<long> granted, Action<ShardError> failed)
    {
        var answerMs = Math.Max(_lastAnswerMs, clock.NowMs + random.Next(maxDelayMs + 1));
        _lastAnswerMs = answerMs;
        var fails = random.Next(50) == 0;
        clock.Schedule(answerMs - clock.NowMs, () =>
        {
            if (fails)
            {
                failed(ShardError.NoLeader);
            }
            else
            {
                _allocated += 1 + random.Next(3);
                granted(_allocated);
            }
            answered();
        });
    }
}
