using Etcdserverpb;
using Mvccpb;
using static GrainKv.Watch.Tests.WatchFixture;
using FilterType = Etcdserverpb.WatchCreateRequest.Types.FilterType;

namespace GrainKv.Watch.Tests;

/// <summary>
/// Random writes, compactions, watchers and drain pacing against a client-side model: every watcher sees
/// exactly the store's events from its start revision on, in order, or a prefix of them and then a
/// compaction cancel; a client cancel leaves a prefix.
/// </summary>
public class WatchHubRandomizedTests
{
    private const int FragmentThresholdBytes = 120;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(1234)]
    [InlineData(99991)]
    [InlineData(271828)]
    public void WatchHub_RandomWorkload_EveryWatcherSeesExactlyItsEvents(int seed)
    {
        var random = new Random(seed);
        var fixture = new WatchFixture(new WatchHubOptions
        {
            SendBufferResponses = random.Next(1, 7),
            ReplayBatchRevisions = random.Next(1, 6),
            FragmentThresholdBytes = FragmentThresholdBytes,
        });
        var history = new Dictionary<long, List<Event>>();
        // Compacting at a revision that deleted a key drops that tombstone from history (etcd does the
        // same), so a watcher starting exactly there would legitimately miss it: compact only where puts are.
        var putOnlyRevisions = new List<long>();
        var clients = Enumerable.Range(0, 3)
            .Select(i => new StreamClient(fixture.Hub.OpenStream(), drainProbability: new[] { 0.03, 0.3, 1.0 }[i]))
            .ToList();
        string RandomKey() => ((char)('a' + random.Next(6))).ToString();

        for (var step = 0; step < 600; step++)
        {
            var roll = random.Next(100);
            if (roll < 45)
            {
                Record(fixture.Put(RandomKey(), $"v{step}"));
            }
            else if (roll < 55)
            {
                var key = RandomKey();
                var before = fixture.Store.Revision;
                var revision = fixture.Delete(key, random.Next(2) == 0 ? "" : "\0");
                if (fixture.Store.Revision > before)
                {
                    Record(revision);
                }
            }
            else if (roll < 58)
            {
                var candidates = putOnlyRevisions.Where(revision => revision > fixture.Store.CompactRevision).ToList();
                if (candidates.Count > 0)
                {
                    fixture.Compact(candidates[random.Next(candidates.Count)]);
                }
            }
            else if (roll < 75)
            {
                var client = clients[random.Next(clients.Count)];
                var key = RandomKey();
                var rangeEnd = random.Next(4) switch
                {
                    0 => "",
                    1 => "\0",
                    2 => ((char)(key[0] + 1 + random.Next(3))).ToString(),
                    _ => "",
                };
                var startRevision = random.Next(3) == 0 ? 0 : random.NextInt64(1, fixture.Store.Revision + 4);
                var filters = random.Next(5) switch { 0 => new[] { FilterType.Noput }, 1 => [FilterType.Nodelete], _ => [] };
                client.RequestCreate(Create(key, rangeEnd, startRevision, prevKv: random.Next(2) == 0, fragment: random.Next(3) == 0, filters: filters));
            }
            else if (roll < 80)
            {
                clients[random.Next(clients.Count)].RequestRandomCancel(random);
            }
            else if (roll < 82)
            {
                fixture.Hub.NotifyProgress();
            }

            foreach (var client in clients)
            {
                if (random.NextDouble() < client.DrainProbability)
                {
                    client.Receive(client.Stream.TakeOutbox(), $"seed={seed} step={step}");
                }
            }
        }

        foreach (var client in clients)
        {
            client.Receive(Drain(client.Stream), $"seed={seed} final drain");
        }

        foreach (var watch in clients.SelectMany(client => client.Watches))
        {
            var context = $"seed={seed} watch {watch.Id} {watch.Describe()}";
            var expected = history.Where(entry => entry.Key >= watch.StartRevision).OrderBy(entry => entry.Key)
                .SelectMany(entry => entry.Value).Where(watch.Selects).ToList();
            if (watch.CanceledByClient || watch.CompactRevision != 0)
            {
                Assert.True(watch.Received.Count <= expected.Count, context);
                expected = expected[..watch.Received.Count];
            }
            if (watch.CompactRevision != 0)
            {
                Assert.True(watch.CompactRevision > watch.StartRevision, context);
                Assert.True(watch.Received.Count == 0 || watch.CompactRevision > watch.Received[^1].Kv.ModRevision, context);
            }
            Assert.True(expected.Count == watch.Received.Count, $"{context}: expected {expected.Count} events, got {watch.Received.Count}");
            for (var i = 0; i < expected.Count; i++)
            {
                AssertSameEvent(expected[i], watch.Received[i], watch.WantsPrevKv, fixture.Store.CompactRevision, $"{context} event {i}");
            }
        }
        Assert.Contains(clients.SelectMany(client => client.Watches), watch => watch.Received.Count > 0);

        void Record(long revision)
        {
            var events = fixture.EventsAt(revision);
            history[revision] = events;
            if (events.All(change => change.Type == Event.Types.EventType.Put))
            {
                putOnlyRevisions.Add(revision);
            }
        }
    }

    private static void AssertSameEvent(Event expected, Event received, bool wantsPrevKv, long finalCompactRevision, string context)
    {
        Assert.True(expected.Kv.Equals(received.Kv), $"{context}: expected {Show(expected)}, got {Show(received)}");
        Assert.True(expected.Type == received.Type, context);
        if (!wantsPrevKv)
        {
            Assert.True(received.PrevKv is null, context);
        }
        else if (received.PrevKv is null)
        {
            // A replay after compaction cannot see versions the compaction dropped.
            Assert.True(expected.PrevKv is null || expected.PrevKv.ModRevision < finalCompactRevision, $"{context}: prev_kv missing");
        }
        else
        {
            Assert.True(expected.PrevKv is not null && expected.PrevKv.Equals(received.PrevKv), $"{context}: wrong prev_kv");
        }
    }

    /// <summary>What a client (Go clientv3's pairing rules) knows about one stream.</summary>
    private sealed class StreamClient(WatchStream stream, double drainProbability)
    {
        private readonly Queue<ClientWatch> _pendingCreates = new();
        private readonly Dictionary<long, ClientWatch> _active = [];

        public WatchStream Stream { get; } = stream;

        public double DrainProbability { get; } = drainProbability;

        public List<ClientWatch> Watches { get; } = [];

        public void RequestCreate(WatchRequest request)
        {
            _pendingCreates.Enqueue(new ClientWatch(request.CreateRequest));
            Stream.Handle(request);
        }

        public void RequestRandomCancel(Random random)
        {
            var cancelable = _active.Values.Where(watch => !watch.CanceledByClient).ToList();
            if (cancelable.Count == 0)
            {
                return;
            }
            var watch = cancelable[random.Next(cancelable.Count)];
            watch.CancelRequested = true;
            Stream.Handle(Cancel(watch.Id));
        }

        public void Receive(IEnumerable<WatchResponse> responses, string context)
        {
            foreach (var response in responses)
            {
                Assert.True(response.Header is not null, context);
                if (response.Created)
                {
                    Assert.True(_pendingCreates.Count > 0, $"{context}: created with no create outstanding");
                    Assert.False(response.Canceled, $"{context}: valid create refused: {response.CancelReason}");
                    var watch = _pendingCreates.Dequeue();
                    watch.Id = response.WatchId;
                    watch.StartRevision = watch.Request.StartRevision > 0 ? watch.Request.StartRevision : response.Header.Revision + 1;
                    Assert.True(_active.TryAdd(watch.Id, watch), $"{context}: watch id {watch.Id} reused while active");
                    Watches.Add(watch);
                    continue;
                }
                Assert.True(_active.TryGetValue(response.WatchId, out var target) || response.WatchId == -1, $"{context}: response for unknown watch {response.WatchId}");
                if (target is null)
                {
                    continue;
                }
                if (response.Canceled)
                {
                    Assert.True(response.CompactRevision != 0 || target.CancelRequested, $"{context}: unexpected cancel of {target.Id}");
                    Assert.Empty(target.Fragments);
                    target.CompactRevision = response.CompactRevision;
                    target.CanceledByClient = response.CompactRevision == 0;
                    _active.Remove(target.Id);
                    continue;
                }
                if (response.Events.Count == 0)
                {
                    continue; // a progress notification
                }
                target.Fragments.AddRange(response.Events);
                if (response.Fragment)
                {
                    Assert.True(target.Request.Fragment, $"{context}: fragment for a watch that did not ask");
                    continue;
                }
                var firstRevision = target.Fragments[0].Kv.ModRevision;
                Assert.True(target.Received.Count == 0 || target.Received[^1].Kv.ModRevision < firstRevision, $"{context}: a revision split across responses or repeated");
                Assert.True(response.Header.Revision >= target.Fragments[^1].Kv.ModRevision, $"{context}: header behind its events");
                target.Received.AddRange(target.Fragments);
                target.Fragments.Clear();
            }
        }
    }

    private sealed class ClientWatch(WatchCreateRequest request)
    {
        public WatchCreateRequest Request { get; } = request;

        public long Id { get; set; }

        public long StartRevision { get; set; }

        public bool CancelRequested { get; set; }

        public bool CanceledByClient { get; set; }

        public long CompactRevision { get; set; }

        public bool WantsPrevKv => Request.PrevKv;

        public List<Event> Received { get; } = [];

        public List<Event> Fragments { get; } = [];

        public bool Selects(Event change)
        {
            var key = change.Kv.Key.ToStringUtf8();
            var from = Request.Key.ToStringUtf8();
            var end = Request.RangeEnd.ToStringUtf8();
            var inRange = end switch
            {
                "" => key == from,
                "\0" => string.CompareOrdinal(key, from) >= 0,
                _ => string.CompareOrdinal(key, from) >= 0 && string.CompareOrdinal(key, end) < 0,
            };
            var filtered = change.Type == Event.Types.EventType.Put
                ? Request.Filters.Contains(FilterType.Noput)
                : Request.Filters.Contains(FilterType.Nodelete);
            return inRange && !filtered;
        }

        public string Describe() => $"key={Request.Key.ToStringUtf8()} end={Request.RangeEnd.ToStringUtf8()} start={StartRevision} compact={CompactRevision} canceled={CanceledByClient}";
    }
}
