using Etcdserverpb;
using Mvccpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

/// <summary>
/// The simplest possible MVCC: a flat list of every version ever written, searched linearly. Keys are
/// ASCII, so ordinal string order is byte order. Handles Put, DeleteRange, Range and flat Txns.
/// </summary>
internal sealed class ReferenceModel
{
    private readonly List<(string Key, long Main, KeyValue? Kv)> _versions = [];
    private long _sub;

    public long Revision { get; private set; } = 1;
    public long CompactRevision { get; private set; } = -1;

    public IEnumerable<(string Key, long Main, KeyValue? Kv)> Versions => _versions;

    public KvResult<RangeResponse> Range(RangeRequest request)
    {
        var current = Revision + (_sub > 0 ? 1 : 0);
        var revision = request.Revision;
        if (revision > current)
        {
            return KvError.FutureRevision;
        }
        if (revision <= 0)
        {
            revision = current;
        }
        if (revision < CompactRevision)
        {
            return KvError.Compacted;
        }
        var kvs = KeysIn(request.Key, request.RangeEnd).Select(k => VisibleAt(k, revision)).Where(kv => kv is not null).ToList();
        var response = new RangeResponse { Header = new ResponseHeader { Revision = current }, Count = kvs.Count };
        if (request.CountOnly)
        {
            return response;
        }
        if (request.Limit > 0 && kvs.Count > request.Limit)
        {
            kvs = kvs.Take((int)request.Limit).ToList();
            response.More = true;
        }
        response.Kvs.AddRange(kvs.Select(kv => new KeyValue(kv) { Value = request.KeysOnly ? Google.Protobuf.ByteString.Empty : kv!.Value }));
        return response;
    }

    public PutResponse Put(PutRequest request)
    {
        var key = S(request.Key);
        var previous = VisibleAt(key, long.MaxValue);
        var main = Revision + 1;
        var kv = new KeyValue
        {
            Key = request.Key, Value = request.Value, ModRevision = main,
            CreateRevision = previous?.CreateRevision ?? main, Version = (previous?.Version ?? 0) + 1,
        };
        _versions.Add((key, main, kv));
        _sub++;
        return new PutResponse { Header = new ResponseHeader { Revision = main }, PrevKv = request.PrevKv ? previous : null };
    }

    public DeleteRangeResponse DeleteRange(DeleteRangeRequest request)
    {
        var response = new DeleteRangeResponse();
        foreach (var key in KeysIn(request.Key, request.RangeEnd).ToList())
        {
            if (VisibleAt(key, long.MaxValue) is { } live)
            {
                _versions.Add((key, Revision + 1, null));
                _sub++;
                response.Deleted++;
                if (request.PrevKv)
                {
                    response.PrevKvs.Add(live);
                }
            }
        }
        response.Header = new ResponseHeader { Revision = Revision + (_sub > 0 ? 1 : 0) };
        return response;
    }

    public KvResult<TxnResponse> Txn(TxnRequest request)
    {
        var succeeded = request.Compare.All(c =>
        {
            var kv = VisibleAt(S(c.Key), long.MaxValue);
            return c.Target == Compare.Types.CompareTarget.Value
                ? kv is not null && kv.Value == c.Value
                : (kv?.Version ?? 0) == c.Version;
        });
        var ops = succeeded ? request.Success : request.Failure;
        foreach (var range in ops.Where(op => op.RequestRange is { Revision: not 0 }).Select(op => op.RequestRange))
        {
            if (range.Revision > Revision)
            {
                return KvError.FutureRevision;
            }
            if (range.Revision < CompactRevision)
            {
                return KvError.Compacted;
            }
        }
        var response = new TxnResponse { Succeeded = succeeded };
        foreach (var op in succeeded ? request.Success : request.Failure)
        {
            response.Responses.Add(op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestPut => new ResponseOp { ResponsePut = Put(op.RequestPut) },
                RequestOp.RequestOneofCase.RequestDeleteRange => new ResponseOp { ResponseDeleteRange = DeleteRange(op.RequestDeleteRange) },
                _ => new ResponseOp { ResponseRange = Range(op.RequestRange).Value },
            });
        }
        Commit();
        response.Header = new ResponseHeader { Revision = Revision };
        return response;
    }

    public void Commit()
    {
        if (_sub > 0)
        {
            Revision++;
            _sub = 0;
        }
    }

    public void Compact(long revision) => CompactRevision = revision;

    private KeyValue? VisibleAt(string key, long revision) =>
        _versions.LastOrDefault(v => v.Key == key && v.Main <= revision).Kv;

    private IEnumerable<string> KeysIn(Google.Protobuf.ByteString key, Google.Protobuf.ByteString rangeEnd)
    {
        var begin = S(key);
        var end = S(rangeEnd);
        return _versions.Select(v => v.Key).Distinct().Order(StringComparer.Ordinal).Where(k =>
            rangeEnd.IsEmpty ? k == begin
            : end == "\0" ? string.CompareOrdinal(k, begin) >= 0
            : string.CompareOrdinal(k, begin) >= 0 && string.CompareOrdinal(k, end) < 0);
    }
}
