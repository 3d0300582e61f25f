namespace GrainKv.Testing.Linearizability;

/// <summary>
/// Wing and Gong's search for a linearization of one key's operations, with Lowe's memoization:
/// walk the events in time order; at a call, try to take the operation into the linearization
/// now; at a return whose operation is not yet linearized, backtrack. Operations with an unknown
/// outcome have no return event, so they may take effect at any point after their call or never.
/// </summary>
/// <remarks>
/// Writes of unknown outcome whose value no call read or expected ("blind" writes) are what makes
/// histories with many timeouts explode: the search would try every subset of them. Blind writes
/// are interchangeable: each leaves a value no get or cas can match, and none has a deadline, so any
/// linearization can swap them into call order. They are therefore taken in call order only, and the value they leave is one shared token, which lets
/// the memo merge the paths that differ only in which blind write was used.
/// </remarks>
internal sealed class KeyHistorySearch
{
    /// <summary>The value a blind write leaves: no get reads it and no cas expects it.</summary>
    private const string BlindValue = "\0blind";

    private readonly string _key;
    private readonly IReadOnlyList<Operation> _operations;
    private readonly HistoryEvent _head = new(-1, isCall: true);
    private readonly ulong[] _linearized;
    private readonly HashSet<SearchState> _seen = [];
    private readonly Stack<(HistoryEvent Call, string? StateBefore)> _path = new();

    /// <summary>For a blind write, its place in call order among blind writes; -1 for any other operation.</summary>
    private readonly int[] _blindRank;
    private int _blindUsed;
    private List<int> _longestPath = [];
    private int? _blockedAtLongest;

    public KeyHistorySearch(string key, IReadOnlyList<Operation> operations)
    {
        _key = key;
        _operations = operations;
        _linearized = new ulong[(operations.Count + 63) / 64];
        _blindRank = RankBlindWrites(operations);
        LinkEvents();
    }

    public LinearizabilityResult Run(ref long stepBudget)
    {
        var remainingReturns = _operations.Count(o => !o.OutcomeUnknown);
        string? state = null;
        var current = _head.Next;
        while (remainingReturns > 0)
        {
            if (--stepBudget < 0)
            {
                return new LinearizabilityResult(LinearizabilityVerdict.Unknown, _key,
                    $"the step budget ran out searching {_operations.Count} operations");
            }
            if (current is { IsCall: true })
            {
                var index = current.Operation;
                if (TryStep(index, state, out var next) && FirstVisit(index, next))
                {
                    _path.Push((current, state));
                    state = next;
                    Lift(current);
                    if (_blindRank[index] >= 0) _blindUsed++;
                    if (!_operations[index].OutcomeUnknown) remainingReturns--;
                    RecordProgress();
                    current = _head.Next;
                }
                else
                {
                    current = current.Next;
                }
                continue;
            }

            // A return reached with its operation unplaced: undo the latest choice.
            if (current is not null && _path.Count == _longestPath.Count) _blockedAtLongest ??= current.Operation;
            if (_path.Count == 0) return Failure();
            var (call, stateBefore) = _path.Pop();
            SetLinearized(call.Operation, false);
            state = stateBefore;
            Unlift(call);
            if (_blindRank[call.Operation] >= 0) _blindUsed--;
            if (!_operations[call.Operation].OutcomeUnknown) remainingReturns++;
            current = call.Next;
        }
        return LinearizabilityResult.Linearizable(_operations.Count);
    }

    private bool TryStep(int index, string? state, out string? next)
    {
        if (_blindRank[index] < 0) return RegisterModel.TryStep(_operations[index], state, out next);
        next = BlindValue;
        return _blindRank[index] == _blindUsed;
    }

    private bool FirstVisit(int operation, string? stateAfter)
    {
        SetLinearized(operation, true);
        if (_seen.Add(new SearchState(_linearized, stateAfter))) return true;
        SetLinearized(operation, false);
        return false;
    }

    private void SetLinearized(int operation, bool on)
    {
        var bit = 1UL << (operation % 64);
        if (on) _linearized[operation / 64] |= bit;
        else _linearized[operation / 64] &= ~bit;
    }

    private static void Lift(HistoryEvent call)
    {
        call.Unlink();
        call.Match?.Unlink();
    }

    private static void Unlift(HistoryEvent call)
    {
        call.Match?.Relink();
        call.Relink();
    }

    private void RecordProgress()
    {
        if (_path.Count <= _longestPath.Count) return;
        _longestPath = _path.Reverse().Select(step => step.Call.Operation).ToList();
        _blockedAtLongest = null;
    }

    private LinearizabilityResult Failure()
    {
        var tail = _longestPath.TakeLast(3).Select(i => _operations[i].ToString());
        var prefix = _longestPath.Count == 0
            ? "no operation can go first"
            : $"the longest linearizable prefix places {_longestPath.Count} of {_operations.Count} operations, ending [{string.Join("; ", tail)}]";
        var blocked = _blockedAtLongest is { } b ? $"; then {_operations[b]} cannot take effect" : "";
        return new LinearizabilityResult(LinearizabilityVerdict.NotLinearizable, _key, prefix + blocked);
    }

    private static int[] RankBlindWrites(IReadOnlyList<Operation> operations)
    {
        var observed = operations.Where(o => o.Kind == OperationKind.Get && !o.OutcomeUnknown).Select(o => o.ReadValue)
            .Concat(operations.Where(o => o.Kind == OperationKind.Cas).Select(o => o.Expected))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var ranks = new int[operations.Count];
        Array.Fill(ranks, -1);
        var blind = Enumerable.Range(0, operations.Count)
            .Where(i => operations[i] is { OutcomeUnknown: true, Kind: not OperationKind.Get } && !observed.Contains(operations[i].Value!))
            .OrderBy(i => operations[i].CallTime)
            .ThenBy(i => i);
        var rank = 0;
        foreach (var i in blind) ranks[i] = rank++;
        return ranks;
    }

    /// <summary>
    /// Events sorted by time; at equal times calls come before returns, so operations that touch
    /// at an instant count as concurrent (the lenient reading, which never rejects a valid history).
    /// </summary>
    private void LinkEvents()
    {
        var events = new List<(long Time, int Order, HistoryEvent Event)>();
        for (var i = 0; i < _operations.Count; i++)
        {
            var call = new HistoryEvent(i, isCall: true);
            events.Add((_operations[i].CallTime, 0, call));
            if (_operations[i].OutcomeUnknown) continue;
            call.Match = new HistoryEvent(i, isCall: false);
            events.Add((_operations[i].ReturnTime, 1, call.Match));
        }
        events.Sort((a, b) => (a.Time, a.Order, a.Event.Operation).CompareTo((b.Time, b.Order, b.Event.Operation)));
        var previous = _head;
        foreach (var (_, _, historyEvent) in events)
        {
            previous.Next = historyEvent;
            historyEvent.Previous = previous;
            previous = historyEvent;
        }
    }
}
