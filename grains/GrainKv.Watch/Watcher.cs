using Etcdserverpb;
using Mvccpb;

namespace GrainKv.Watch;

/// <summary>
/// One watch on a stream. <see cref="NextRevision"/> is the first revision whose events it has not yet been
/// given: at or below the hub's revision it is lagging and replays history, above it takes live events.
/// </summary>
internal sealed class Watcher
{
    private readonly WatchKeyRange _range;
    private readonly bool _dropsPuts;
    private readonly bool _dropsDeletes;

    public Watcher(long id, WatchKeyRange range, WatchCreateRequest request, long nextRevision)
    {
        Id = id;
        _range = range;
        _dropsPuts = request.Filters.Contains(WatchCreateRequest.Types.FilterType.Noput);
        _dropsDeletes = request.Filters.Contains(WatchCreateRequest.Types.FilterType.Nodelete);
        WantsPrevKv = request.PrevKv;
        WantsProgressNotify = request.ProgressNotify;
        WantsFragments = request.Fragment;
        NextRevision = nextRevision;
    }

    public long Id { get; }

    public bool WantsPrevKv { get; }

    public bool WantsProgressNotify { get; }

    public bool WantsFragments { get; }

    public long NextRevision { get; set; }

    /// <summary>Whether an event response went out since the last progress notification round.</summary>
    public bool GotEventsSinceProgress { get; set; }

    public bool IsLagging(long hubRevision) => NextRevision <= hubRevision;

    public bool Accepts(Event change) =>
        _range.Contains(change.Kv.Key) &&
        !(change.Type == Event.Types.EventType.Put ? _dropsPuts : _dropsDeletes);

    /// <summary>The accepted events, in the given order; null when none is.</summary>
    public List<Event>? Select(IReadOnlyList<Event> changes)
    {
        List<Event>? selected = null;
        foreach (var change in changes)
        {
            if (Accepts(change))
            {
                (selected ??= []).Add(change);
            }
        }
        return selected;
    }
}
