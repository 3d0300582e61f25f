using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

public sealed class LinearizabilityCheckerTests
{
    private const long Never = Operation.NeverReturned;

    public static TheoryData<string, Operation[], LinearizabilityVerdict> Histories => new()
    {
        {
            "sequential puts and gets",
            [Get(1, null, 0, 1), Put(1, "a", 2, 3), Get(2, "a", 4, 5), Put(2, "b", 6, 7), Get(1, "b", 8, 9)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "reads overlapping a put see either value",
            [Put(1, "a", 0, 1), Put(1, "b", 2, 10), Get(2, "a", 3, 4), Get(3, "b", 5, 6), Get(2, "b", 7, 8)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "concurrent puts take effect in either order",
            [Put(1, "a", 0, 10), Put(2, "b", 0, 10), Get(3, "a", 11, 12)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "stale read after a newer put returned",
            [Put(1, "a", 0, 1), Put(2, "b", 2, 3), Get(3, "a", 4, 5)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "a read goes back in time between overlapping reads",
            [Put(1, "a", 0, 1), Put(1, "b", 2, 20), Get(2, "b", 3, 4), Get(3, "a", 5, 6)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "acknowledged write lost",
            [Put(1, "a", 0, 1), Get(2, null, 2, 3)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "read of a value never written",
            [Put(1, "a", 0, 1), Get(2, "z", 2, 3)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "cas succeeds on the expected value",
            [Put(1, "a", 0, 1), Cas(2, "a", "b", true, 2, 3), Get(1, "b", 4, 5)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "cas on an absent key succeeds",
            [Cas(1, "a", "b", true, 0, 1)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "two cas with the same expectation both succeed",
            [Put(1, "a", 0, 1), Cas(2, "a", "b", true, 2, 10), Cas(3, "a", "c", true, 2, 10)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "cas fails although the value matched",
            [Put(1, "a", 0, 1), Cas(2, "a", "b", false, 2, 3)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "cas succeeds but its write is not seen",
            [Put(1, "a", 0, 1), Cas(2, "a", "b", true, 2, 3), Get(3, "a", 4, 5)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "unknown put that took effect",
            [Put(1, "a", 0, 1), Put(2, "b", 2, Never), Get(3, "b", 5, 6)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "unknown put that never took effect",
            [Put(1, "a", 0, 1), Put(2, "b", 2, Never), Get(3, "a", 5, 6)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "unknown put seen, then unseen",
            [Put(1, "a", 0, 1), Put(2, "b", 2, Never), Get(3, "b", 5, 6), Get(3, "a", 7, 8)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "unknown put seen before it was called",
            [Put(1, "a", 0, 1), Get(3, "b", 2, 3), Put(2, "b", 4, Never)],
            LinearizabilityVerdict.NotLinearizable
        },
        {
            "unknown cas that took effect",
            [Put(1, "a", 0, 1), Cas(2, "a", "b", false, 2, Never), Get(3, "b", 5, 6)],
            LinearizabilityVerdict.Linearizable
        },
        {
            "unknown get observed nothing",
            [Put(1, "a", 0, 1), Get(2, null, 2, Never)],
            LinearizabilityVerdict.Linearizable
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void Check_History_GivesExpectedVerdict(string description, Operation[] history, LinearizabilityVerdict expected)
    {
        var result = LinearizabilityChecker.Check(history);

        Assert.True(expected == result.Verdict, $"{description}: {result}");
    }

    [Fact]
    public void Check_ViolationOnOneKey_NamesThatKey()
    {
        Operation[] history =
        [
            Operation.Put(1, "x", "a", 0, 1), Operation.Get(2, "x", "a", 2, 3),
            Operation.Put(1, "y", "a", 0, 1), Operation.Put(1, "y", "b", 2, 3), Operation.Get(2, "y", "a", 4, 5),
        ];

        var result = LinearizabilityChecker.Check(history);

        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Equal("y", result.Key);
        Assert.Contains("get(y) -> a", result.Explanation);
    }

    [Fact]
    public void Check_ManyBlindUnknownWritesAndAFailedCas_IsLinearizable()
    {
        var blind = Enumerable.Range(0, 40).Select(i => Put(i + 10, $"lost{i}", 2 + i, Never));
        Operation[] history = [Put(1, "a", 0, 1), .. blind, Cas(2, "a", "x", false, 50, 51)];

        var result = LinearizabilityChecker.Check(history, stepBudget: 1_000_000);

        Assert.True(result.IsLinearizable, result.ToString());
    }

    [Fact]
    public void Check_ManyBlindUnknownWritesAroundAStaleRead_IsRejectedWithinBudget()
    {
        var blind = Enumerable.Range(0, 40).Select(i => Put(i + 10, $"lost{i}", 2 + i, Never));
        Operation[] history = [Put(1, "a", 0, 1), .. blind, Put(2, "b", 50, 51), Get(3, "a", 52, 53)];

        var result = LinearizabilityChecker.Check(history, stepBudget: 1_000_000);

        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void Check_StepBudgetExhausted_ReportsUnknown()
    {
        var history = Enumerable.Range(0, 20).Select(i => Operation.Put(i, "k", $"v{i}", 0, 100)).Append(Operation.Get(99, "k", "v3", 101, 102));

        var result = LinearizabilityChecker.Check(history, stepBudget: 5);

        Assert.Equal(LinearizabilityVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public void Check_ReturnBeforeCall_Throws()
    {
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Operation.Put(1, "k", "a", 5, 4)]));
    }

    [Fact]
    public void Assert_NonLinearizableHistory_ThrowsWithContext()
    {
        var error = Assert.Throws<NotLinearizableException>(() =>
            LinearizabilityChecker.Assert([Put(1, "a", 0, 1), Get(2, null, 2, 3)], "seed=7"));

        Assert.StartsWith("seed=7: NotLinearizable on key 'k'", error.Message);
    }

    private static Operation Put(int client, string value, long call, long returned) => Operation.Put(client, "k", value, call, returned);

    private static Operation Get(int client, string? value, long call, long returned) => Operation.Get(client, "k", value, call, returned);

    private static Operation Cas(int client, string expected, string value, bool succeeded, long call, long returned) =>
        Operation.Cas(client, "k", expected, value, succeeded, call, returned);
}
