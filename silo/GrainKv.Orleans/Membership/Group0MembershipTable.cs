using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Group0;
using GrainKv.Shard;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;

namespace GrainKv.Orleans.Membership;

/// <summary>
/// Orleans' membership table kept in group 0, so a cluster started with etcd's flags alone has no single point of
/// failure: every operation is one request to group 0's leader. Under "orleans/{cluster id}/" group 0 holds
/// "version" (the table version), "silo/{address}" (a silo's entry, Orleans-serialized; its mod revision is the
/// row's etag) and "alive/{address}" (its I-am-alive time, apart so a heartbeat leaves the etag alone). The table
/// version's etag is the mod revision of "version": a conditional write is one transaction comparing both etags.
/// </summary>
public sealed partial class Group0MembershipTable(Group0Client group0, Serializer<MembershipEntry> entries, IOptions<ClusterOptions> cluster,
    ILogger<Group0MembershipTable> log) : IMembershipTable
{
    /// <summary>Every heartbeat is a revision; history older than this many revisions is compacted away.</summary>
    private const long RetainedRevisions = 1000;

    /// <summary>The pause between attempts to reach group 0 while it elects its first leader.</summary>
    private static readonly TimeSpan InitializeRetryDelay = TimeSpan.FromSeconds(1);

    private readonly TableKeys _keys = new(cluster.Value.ClusterId);
    private long _compactedThrough;

    /// <summary>
    /// Creates the table version unless it exists. Orleans does not start a silo whose table fails to initialize, but
    /// group 0 has no leader until a quorum of members is up, as an etcd member waits for its peers: so this waits too.
    /// </summary>
    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        if (!tryInitTableVersion) return;
        while (true)
        {
            try
            {
                await TxnAsync(new TxnRequest
                {
                    Compare = { Created(_keys.Version, false) },
                    Success = { Put(_keys.Version, ByteString.CopyFromUtf8("0")) },
                });
                return;
            }
            catch (Exception error) when (error is Group0Exception or SiloUnreachableException)
            {
                LogWaitingForGroup0(error.Message);
                await Task.Delay(InitializeRetryDelay);
            }
        }
    }

    public Task DeleteMembershipTableEntries(string clusterId)
    {
        var prefix = new TableKeys(clusterId).Prefix;
        return TxnAsync(new TxnRequest { Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = prefix, RangeEnd = KeyPrefix.RangeEnd(prefix) } } } });
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        var defunct = (await ReadAll()).Members
            .Select(member => member.Item1)
            .Where(entry => entry.Status == SiloStatus.Dead && new DateTimeOffset(DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc)) < beforeDate)
            .ToList();
        if (defunct.Count == 0) return;
        var cleanup = new TxnRequest();
        foreach (var entry in defunct)
        {
            cleanup.Success.Add(Delete(_keys.Row(entry.SiloAddress)));
            cleanup.Success.Add(Delete(_keys.Alive(entry.SiloAddress)));
        }
        await TxnAsync(cleanup);
    }

    public async Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        var table = await ReadAll();
        return table.TryGet(key) is { } row ? new MembershipTableData(row, table.Version) : new MembershipTableData(table.Version);
    }

    public async Task<MembershipTableData> ReadAll()
    {
        var reply = await group0.ReadAsync(new ShardRead { Range = new RangeRequest { Key = _keys.Prefix, RangeEnd = KeyPrefix.RangeEnd(_keys.Prefix) } });
        if (reply.Error is not ShardError.None) throw new Group0Exception(reply.Error);
        var version = new TableVersion(0, "0");
        var rows = new Dictionary<string, Tuple<MembershipEntry, string>>(StringComparer.Ordinal);
        var alive = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var kv in reply.Range.Kvs)
        {
            switch (_keys.Parse(kv.Key))
            {
                case (TableKeys.Kind.Version, _):
                    version = new TableVersion(int.Parse(kv.Value.ToStringUtf8(), CultureInfo.InvariantCulture), Etag(kv.ModRevision));
                    break;
                case (TableKeys.Kind.Row, var silo):
                    rows[silo] = Tuple.Create(entries.Deserialize(kv.Value.Memory) ?? throw new InvalidDataException($"No membership entry at {kv.Key.ToStringUtf8()}"), Etag(kv.ModRevision));
                    break;
                case (TableKeys.Kind.Alive, var silo):
                    alive[silo] = new DateTime(long.Parse(kv.Value.ToStringUtf8(), CultureInfo.InvariantCulture), DateTimeKind.Utc);
                    break;
            }
        }
        foreach (var (silo, row) in rows)
        {
            if (alive.TryGetValue(silo, out var time)) row.Item1.IAmAliveTime = time;
        }
        return new MembershipTableData([.. rows.Values], version);
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => WriteRowAsync(entry, Created(_keys.Row(entry.SiloAddress), false), tableVersion);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        WriteRowAsync(entry, ModifiedAt(_keys.Row(entry.SiloAddress), ParseEtag(etag)), tableVersion);

    public Task UpdateIAmAlive(MembershipEntry entry) => TxnAsync(new TxnRequest
    {
        Compare = { Created(_keys.Row(entry.SiloAddress), true) },
        Success = { Put(_keys.Alive(entry.SiloAddress), AliveValue(entry)) },
    });

    /// <summary>Writes the entry and the new table version if the row's etag and the table version's etag are still current.</summary>
    private async Task<bool> WriteRowAsync(MembershipEntry entry, Compare row, TableVersion tableVersion)
    {
        var version = ByteString.CopyFromUtf8(tableVersion.Version.ToString(CultureInfo.InvariantCulture));
        var response = await TxnAsync(new TxnRequest
        {
            Compare = { row, ModifiedAt(_keys.Version, ParseEtag(tableVersion.VersionEtag)) },
            Success =
            {
                Put(_keys.Row(entry.SiloAddress), ByteString.CopyFrom(entries.SerializeToArray(entry))),
                Put(_keys.Alive(entry.SiloAddress), AliveValue(entry)),
                Put(_keys.Version, version),
            },
        });
        return response.Succeeded;
    }

    private async Task<TxnResponse> TxnAsync(TxnRequest txn)
    {
        var reply = await group0.ProposeAsync(new ShardCommand { Txn = txn });
        if (reply.Error is not ShardError.None) throw new Group0Exception(reply.Error);
        await CompactIfDueAsync(reply.Txn.Header.Revision);
        return reply.Txn;
    }

    private async Task CompactIfDueAsync(long revision)
    {
        var through = revision - RetainedRevisions;
        if (through < Volatile.Read(ref _compactedThrough) + RetainedRevisions) return;
        Volatile.Write(ref _compactedThrough, through);
        await group0.ProposeAsync(new ShardCommand { Compaction = new CompactionRequest { Revision = through } });
    }

    private static ByteString AliveValue(MembershipEntry entry) =>
        ByteString.CopyFromUtf8(DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc).Ticks.ToString(CultureInfo.InvariantCulture));

    private static string Etag(long modRevision) => modRevision.ToString(CultureInfo.InvariantCulture);

    private static long ParseEtag(string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : -1;

    private static Compare Created(ByteString key, bool exists) => new()
    {
        Key = key,
        Target = Compare.Types.CompareTarget.Create,
        Result = exists ? Compare.Types.CompareResult.Greater : Compare.Types.CompareResult.Equal,
        CreateRevision = 0,
    };

    /// <summary>The key was last written at <paramref name="revision"/> (0: it does not exist).</summary>
    private static Compare ModifiedAt(ByteString key, long revision) => new()
    {
        Key = key,
        Target = Compare.Types.CompareTarget.Mod,
        Result = Compare.Types.CompareResult.Equal,
        ModRevision = revision,
    };

    private static RequestOp Put(ByteString key, ByteString value) => new() { RequestPut = new PutRequest { Key = key, Value = value } };

    private static RequestOp Delete(ByteString key) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = key } };

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for group 0 to take the membership table ({Reason})")]
    private partial void LogWaitingForGroup0(string reason);
}
