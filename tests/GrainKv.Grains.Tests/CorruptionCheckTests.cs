using Etcdserverpb;
using GrainKv.Grains.Corruption;
using GrainKv.Shard;

namespace GrainKv.Grains.Tests;

public sealed class CorruptionCheckTests
{
    private const ulong Leader = 1;
    private const ulong PeerA = 2;
    private const ulong PeerB = 3;

    private static readonly KvHash LeaderHash = new(Hash: 0xAAAA, Revision: 10, CompactRevision: 4);

    private static PeerHashKv Answer(ulong memberId, uint hash, long revision = 10, long compactRevision = 4) =>
        PeerHashKv.Of(memberId, new ShardReply
        {
            HashKv = new HashKVResponse { Header = new ResponseHeader { Revision = revision }, Hash = hash, CompactRevision = compactRevision },
        });

    private static CorruptionVerdict Judge(params PeerHashKv[] peers) => CorruptionCheck.Judge(Leader, LeaderHash, LeaderHash, peers);

    [Fact]
    public void Judge_PeersWithTheLeadersHash_AlarmNothing()
    {
        var verdict = Judge(Answer(PeerA, 0xAAAA), Answer(PeerB, 0xAAAA));

        Assert.Empty(verdict.Findings);
        Assert.Empty(verdict.Skipped);
        Assert.Equal(2, verdict.PeersChecked);
        Assert.Null(verdict.MemberToAlarm);
        Assert.Null(verdict.AlarmToRaise);
    }

    [Fact]
    public void Judge_PeerWithAnotherHashAtTheSameCompactRevision_RaisesItsCorruptAlarm()
    {
        var verdict = Judge(Answer(PeerA, 0xAAAA), Answer(PeerB, 0xBBBB));

        Assert.Equal([new CorruptionFinding(PeerB, CorruptionRule.HashMismatch, 0xAAAA, 0xBBBB)], verdict.Findings);
        var alarm = verdict.AlarmToRaise!.Alarm;
        Assert.Equal((AlarmRequest.Types.AlarmAction.Activate, PeerB, AlarmType.Corrupt), (alarm.Action, alarm.MemberID, alarm.Alarm));
    }

    [Fact]
    public void Judge_PeerThatAppliedMoreSinceWithTheLeadersHash_IsFine()
    {
        var after = LeaderHash with { Revision = 12 };

        var verdict = CorruptionCheck.Judge(Leader, LeaderHash, after, [Answer(PeerA, 0xAAAA, revision: 12)]);

        Assert.Empty(verdict.Findings);
        Assert.Equal(1, verdict.PeersChecked);
    }

    [Fact]
    public void Judge_PeerWithAnotherHashAndAnotherCompactRevision_IsSkippedNotAlarmed()
    {
        var verdict = Judge(Answer(PeerA, 0xBBBB, compactRevision: 3));

        Assert.Empty(verdict.Findings);
        Assert.Equal([(PeerA, PeerHashSkip.CompactRevisionDiffers)], verdict.Skipped);
        Assert.Equal(1, verdict.PeersChecked);
        Assert.Null(verdict.AlarmToRaise);
    }

    [Fact]
    public void Judge_PeerAheadOfTheLeadersRevision_IsAlarmed()
    {
        var verdict = Judge(Answer(PeerA, 0xAAAA, revision: 11));

        Assert.Equal([new CorruptionFinding(PeerA, CorruptionRule.RevisionAhead, 10, 11)], verdict.Findings);
        Assert.Equal(PeerA, verdict.MemberToAlarm);
    }

    [Fact]
    public void Judge_PeerAheadOfTheLeadersCompactRevision_IsAlarmedNotSkipped()
    {
        var verdict = Judge(Answer(PeerA, 0xBBBB, compactRevision: 5));

        Assert.Equal([new CorruptionFinding(PeerA, CorruptionRule.CompactRevisionAhead, 4, 5)], verdict.Findings);
        Assert.Empty(verdict.Skipped);
        Assert.Equal(PeerA, verdict.MemberToAlarm);
    }

    [Fact]
    public void Judge_CompactionBetweenTheLeadersTwoHashes_PeerThatAppliedItIsSkipped()
    {
        var after = new KvHash(0xCCCC, Revision: 11, CompactRevision: 8);

        var verdict = CorruptionCheck.Judge(Leader, LeaderHash, after, [Answer(PeerA, 0xCCCC, revision: 11, compactRevision: 8)]);

        Assert.Empty(verdict.Findings);
        Assert.Equal([(PeerA, PeerHashSkip.CompactRevisionDiffers)], verdict.Skipped);
    }

    [Fact]
    public void Judge_PeersThatGaveNoHash_AreSkippedNeverAlarmedNorCounted()
    {
        var verdict = Judge(
            PeerHashKv.NoAnswer(PeerA),
            PeerHashKv.Of(PeerB, new ShardReply { Error = ShardError.FutureRevision }),
            PeerHashKv.Of(4, new ShardReply { Error = ShardError.Compacted }));

        Assert.Empty(verdict.Findings);
        Assert.Equal([(PeerA, PeerHashSkip.NoAnswer), (PeerB, PeerHashSkip.FutureRevision), (4UL, PeerHashSkip.Compacted)], verdict.Skipped);
        Assert.Equal(0, verdict.PeersChecked);
        Assert.Null(verdict.AlarmToRaise);
    }

    [Fact]
    public void Judge_LeaderWhoseHashChangedAtTheSameRevision_AlarmsItself()
    {
        var after = LeaderHash with { Hash = 0xDDDD };

        var verdict = CorruptionCheck.Judge(Leader, LeaderHash, after, [Answer(PeerA, 0xAAAA)]);

        Assert.Equal([new CorruptionFinding(Leader, CorruptionRule.LeaderHashChanged, 0xAAAA, 0xDDDD)], verdict.Findings);
        Assert.Equal(Leader, verdict.MemberToAlarm);
    }

    [Fact]
    public void Judge_LeaderWhoseHashChangedWithItsRevision_IsFine()
    {
        var after = new KvHash(0xDDDD, Revision: 11, CompactRevision: 4);

        Assert.Empty(CorruptionCheck.Judge(Leader, LeaderHash, after, [Answer(PeerA, 0xAAAA)]).Findings);
    }

    [Fact]
    public void Judge_SeveralMismatches_ReportsAllAndAlarmsOnlyTheFirst()
    {
        var verdict = Judge(Answer(PeerA, 0xBBBB), Answer(PeerB, 0xCCCC));

        Assert.Equal([PeerA, PeerB], verdict.Findings.Select(f => f.MemberId));
        Assert.Equal(PeerA, verdict.AlarmToRaise!.Alarm.MemberID);
    }

    [Theory]
    [InlineData(ShardError.FutureRevision, PeerHashSkip.FutureRevision)]
    [InlineData(ShardError.Compacted, PeerHashSkip.Compacted)]
    [InlineData(ShardError.Timeout, PeerHashSkip.NoAnswer)]
    [InlineData(ShardError.Stopped, PeerHashSkip.NoAnswer)]
    public void PeerHashKvOf_ErrorReply_SaysWhyThereIsNoHash(ShardError error, PeerHashSkip expected)
    {
        var peer = PeerHashKv.Of(PeerA, new ShardReply { Error = error });

        Assert.Null(peer.Hash);
        Assert.Equal(expected, peer.Unanswered);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    public void CorruptionCheckOptionsCreate_ZeroInterval_IsOff(string interval) =>
        Assert.Null(CorruptionCheckOptions.Create(interval, TimeSpan.FromSeconds(5)));

    [Fact]
    public void CorruptionCheckOptionsCreate_GoDuration_IsTheInterval() =>
        Assert.Equal(TimeSpan.FromMilliseconds(1500), CorruptionCheckOptions.Create("1.5s", TimeSpan.FromSeconds(5))!.Interval);
}
