using Mvccpb;

namespace GrainKv.Watch;

/// <summary>
/// The events of one applied revision as the live path hands them out: as given (with prev_kv) to watchers
/// that asked for prev_kv, and as one shared copy without it to all the others, made only for events
/// some such watcher selects.
/// </summary>
internal sealed class AppliedRevision(long revision, IReadOnlyList<Event> events)
{
    private Event?[]? _withoutPrevKv;

    public long Revision { get; } = revision;

    /// <summary>The events the watcher selects, in sub-revision order; null when none is.</summary>
    public List<Event>? SelectFor(Watcher watcher)
    {
        List<Event>? selected = null;
        for (var i = 0; i < events.Count; i++)
        {
            if (watcher.Accepts(events[i]))
            {
                (selected ??= []).Add(watcher.WantsPrevKv ? events[i] : WithoutPrevKv(i));
            }
        }
        return selected;
    }

    private Event WithoutPrevKv(int index)
    {
        var change = events[index];
        if (change.PrevKv is null)
        {
            return change;
        }
        _withoutPrevKv ??= new Event?[events.Count];
        return _withoutPrevKv[index] ??= new Event { Type = change.Type, Kv = change.Kv };
    }
}
