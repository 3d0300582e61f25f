using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Mvcc;
using Mvccpb;

namespace GrainKv.Watch.Tests;

/// <summary>
/// A store and a hub driven the way the shell drives them: each write is applied to the store and its
/// events (with prev_kv) handed to the hub. Keys and values are UTF-8 text.
/// </summary>
internal sealed class WatchFixture
{
    public WatchFixture(WatchHubOptions? options = null)
    {
        Hub = new WatchHub(Store, options);
    }

    public MvccStore Store { get; } = new();

    public WatchHub Hub { get; }

    public static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    public static WatchRequest Create(
        string key, string rangeEnd = "", long startRevision = 0, long watchId = 0, bool prevKv = false,
        bool progressNotify = false, bool fragment = false, params WatchCreateRequest.Types.FilterType[] filters)
    {
        var create = new WatchCreateRequest
        {
            Key = B(key), RangeEnd = B(rangeEnd), StartRevision = startRevision, WatchId = watchId,
            PrevKv = prevKv, ProgressNotify = progressNotify, Fragment = fragment,
        };
        create.Filters.AddRange(filters);
        return new WatchRequest { CreateRequest = create };
    }

    public static WatchRequest Cancel(long watchId) => new() { CancelRequest = new WatchCancelRequest { WatchId = watchId } };

    public static WatchRequest Progress() => new() { ProgressRequest = new WatchProgressRequest() };

    public long Put(string key, string value) => Apply(() => Store.Put(new PutRequest { Key = B(key), Value = B(value) }).Value.Header.Revision);

    public long Delete(string key, string rangeEnd = "") =>
        Apply(() => Store.DeleteRange(new DeleteRangeRequest { Key = B(key), RangeEnd = B(rangeEnd) }).Header.Revision);

    public long Txn(params RequestOp[] ops)
    {
        var txn = new TxnRequest();
        txn.Success.AddRange(ops);
        return Apply(() => Store.Txn(txn).Value.Header.Revision);
    }

    public void Compact(long revision) => Assert.True(Store.Compact(new CompactionRequest { Revision = revision }).IsOk);

    /// <summary>The events the store recorded at <paramref name="revision"/>, as handed to the hub.</summary>
    public List<Event> EventsAt(long revision) => Store.ChangesFrom(revision, revision, withPrevKv: true).Value;

    /// <summary>Responses of a stream that reads as fast as the hub produces, until nothing is left.</summary>
    public static List<WatchResponse> Drain(WatchStream stream)
    {
        var all = new List<WatchResponse>();
        for (var round = 0; stream.HasOutput; round++)
        {
            Assert.True(round < 10_000, "a stream's output must run dry once writes stop");
            all.AddRange(stream.TakeOutbox());
        }
        return all;
    }

    /// <summary>"put a=1@2" / "delete a@3", with " prev=v@r" when prev_kv is set.</summary>
    public static string Show(Event change) =>
        (change.Type == Event.Types.EventType.Put ? $"put {change.Kv.Key.ToStringUtf8()}={change.Kv.Value.ToStringUtf8()}" : $"delete {change.Kv.Key.ToStringUtf8()}")
        + $"@{change.Kv.ModRevision}"
        + (change.PrevKv is { } prev ? $" prev={prev.Value.ToStringUtf8()}@{prev.ModRevision}" : "");

    /// <summary>One line per response: "id=0 rev=3 created", "id=0 rev=5 [put a=1@5]", ...</summary>
    public static string Show(WatchResponse response)
    {
        var parts = new List<string> { $"id={response.WatchId}", $"rev={response.Header.Revision}" };
        if (response.Created) parts.Add("created");
        if (response.Canceled) parts.Add("canceled");
        if (response.CompactRevision != 0) parts.Add($"compact={response.CompactRevision}");
        if (response.CancelReason.Length > 0) parts.Add($"reason={response.CancelReason}");
        if (response.Fragment) parts.Add("fragment");
        if (response.Events.Count > 0) parts.Add($"[{string.Join(", ", response.Events.Select(Show))}]");
        return string.Join(" ", parts);
    }

    public static string[] Show(IEnumerable<WatchResponse> responses) => responses.Select(Show).ToArray();

    private long Apply(Func<long> write)
    {
        var before = Store.Revision;
        var revision = write();
        if (Store.Revision > before)
        {
            Hub.OnApplied(Store.Revision, EventsAt(Store.Revision));
        }
        return revision;
    }
}
