namespace GrainKv.Testing.Linearizability;

/// <summary>
/// Wing and Gong's search for a linearization of one key's operations, with Lowe's memoization:
/// walk the events in time order; at a call, try to take the operation into the linearization
/// now; at a return whose operation is not yet linearized, backtrack. Operations with an unknown
/// outcome have no return event, so they may take effect at any point after their call or never;
/// at each point they are tried after the operations that did return.
/// </summary>
internal sealed class KeyHistorySearch
{
    private readonly string _key;
    private readonly IReadOnlyList<Operation> _operations;
    private readonly HistoryEvent _head = new(-1, isCall: true);
    private readonly ulong[] _linearized;
    private readonly HashSet<SearchState> _seen = [];
    private readonly Stack<(HistoryEvent Call, string? StateBefore, bool UnknownPass)> _path = new();
    private List<int> _longestPath = [];
    private int? _blockedAtLongest;

    public KeyHistorySearch(string key, IReadOnlyList<Operation> operations)
    {
        _key = key;
        _operations = operations;
        _linearized = new ulong[(operations.Count + 63) / 64];
        LinkEvents();
    }

    public LinearizabilityResult Run(ref long stepBudget)
    {
        var remainingReturns = _operations.Count(o => !o.OutcomeUnknown);
        string? state = null;
        var current = _head.Next;
        var unknownPass = false;
        while (remainingReturns > 0)
        {
            if (--stepBudget < 0)
            {
                return new LinearizabilityResult(LinearizabilityVerdict.Unknown, _key,
                    $"the step budget ran out searching {_operations.Count} operations");
            }
            if (current is { IsCall: true })
            {
                var operation = _operations[current.Operation];
                if (operation.OutcomeUnknown == unknownPass && RegisterModel.TryStep(operation, state, out var next) && FirstVisit(current.Operation, next))
                {
                    _path.Push((current, state, unknownPass));
                    state = next;
                    Lift(current);
                    if (!operation.OutcomeUnknown) remainingReturns--;
                    RecordProgress();
                    current = _head.Next;
                    unknownPass = false;
                }
                else
                {
                    current = current.Next;
                }
                continue;
            }

            // Every candidate with a known outcome failed here: only then try the unknown ones. They
            // never force a backtrack themselves, so trying them first mostly leads into dead ends.
            if (!unknownPass)
            {
                unknownPass = true;
                current = _head.Next;
                continue;
            }

            // A return reached with its operation unplaced: undo the latest choice.
            if (current is not null && _path.Count == _longestPath.Count) _blockedAtLongest ??= current.Operation;
            if (_path.Count == 0) return Failure();
            var (call, stateBefore, pass) = _path.Pop();
            SetLinearized(call.Operation, false);
            state = stateBefore;
            Unlift(call);
            if (!_operations[call.Operation].OutcomeUnknown) remainingReturns++;
            current = call.Next;
            unknownPass = pass;
        }
        return LinearizabilityResult.Linearizable(_operations.Count);
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
