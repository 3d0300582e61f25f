using GrainKv.Mvcc;
using Mvccpb;

namespace GrainKv.Watch;

/// <summary>
/// The watch fan-out of one shard (etcd-api.md §4): every applied revision goes to the watchers that are
/// live, and watchers that start in the past or fell behind replay the store's history until they are
/// live again, with no gap and no duplicate. Pure: no threads, clocks or I/O. The shell serialises every
/// call with the store's apply (the same lock or grain turn), feeds each applied revision to
/// <see cref="OnApplied"/>, and writes what <see cref="WatchStream.TakeOutbox"/> returns.
/// </summary>
public sealed class WatchHub
{
    private readonly Dictionary<long, WatchStream> _streams = [];
    private readonly List<WatchStream> _ready = [];
    private long _nextStreamId;

    public WatchHub(MvccStore store, WatchHubOptions? options = null)
    {
        Store = store;
        Options = options ?? new WatchHubOptions();
        Invariant.Check(Options.SendBufferResponses > 0 && Options.ReplayBatchRevisions > 0, "watch bounds must be positive");
        Revision = store.Revision;
    }

    /// <summary>The last revision handed to <see cref="OnApplied"/> (the store's revision at construction).</summary>
    public long Revision { get; private set; }

    internal MvccStore Store { get; private set; }

    internal WatchHubOptions Options { get; }

    /// <summary>Whether any stream is open: without one, applied revisions need no events.</summary>
    public bool HasStreams => _streams.Count > 0;

    public WatchStream OpenStream()
    {
        var stream = new WatchStream(this, _nextStreamId++);
        _streams.Add(stream.Id, stream);
        return stream;
    }

    /// <summary>Drops the stream and its watchers; nothing more is produced for it.</summary>
    public void CloseStream(WatchStream stream)
    {
        _streams.Remove(stream.Id);
        stream.Close();
    }

    /// <summary>
    /// The events of one applied revision in sub-revision order, with prev_kv filled (as
    /// <c>store.ChangesFrom(revision, revision, withPrevKv: true)</c> returns them); every revision must
    /// come, in order, once the store has applied it. With several shards a shard's revisions are sparse.
    /// </summary>
    public void OnApplied(long revision, IReadOnlyList<Event> events)
    {
        Invariant.Check(revision > Revision && revision <= Store.Revision, "the watch hub sees every applied revision once, in order");
        var previous = Revision;
        Revision = revision;
        var applied = new AppliedRevision(revision, events);
        foreach (var stream in _streams.Values)
        {
            stream.Deliver(applied, previous);
        }
    }

    /// <summary>
    /// A snapshot replaced the store, as when a lagging replica is sent the leader's state: every watcher
    /// keeps its place and replays what it has not seen from the new store's history (or, where that is
    /// compacted, is canceled with compact_revision), as etcd's watchable store does on restore.
    /// </summary>
    public void Restore(MvccStore store)
    {
        Invariant.Check(store.Revision >= Revision, "a snapshot never takes the watch hub back in revisions");
        Store = store;
        Revision = store.Revision;
        foreach (var stream in _streams.Values)
        {
            if (stream.HasOutput)
            {
                MarkReady(stream);
            }
        }
    }

    /// <summary>
    /// One progress_notify interval elapsed: each live watcher that asked for it and got no events since
    /// the previous call is told the current revision.
    /// </summary>
    public void NotifyProgress()
    {
        foreach (var stream in _streams.Values)
        {
            stream.NotifyProgress();
        }
    }

    /// <summary>The streams that queued responses since the last call, so the shell can wake their writers.</summary>
    public IReadOnlyList<WatchStream> TakeReadyStreams()
    {
        var ready = _ready.ToArray();
        foreach (var stream in ready)
        {
            stream.IsMarkedReady = false;
        }
        _ready.Clear();
        return ready;
    }

    internal void MarkReady(WatchStream stream)
    {
        if (!stream.IsMarkedReady && _streams.ContainsKey(stream.Id))
        {
            stream.IsMarkedReady = true;
            _ready.Add(stream);
        }
    }
}
