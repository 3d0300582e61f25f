using System.Text;
using Etcdserverpb;

namespace GrainKv.Grains.Shard;

/// <summary>
/// The cluster's active alarms, at most one per (type, member), as etcd's alarm store keeps them. Replicated
/// state: only committed alarm commands change it, so every replica agrees which alarms are active at each
/// log index, and the writes they refuse (<see cref="ShardStateMachine"/>) are the same everywhere.
/// </summary>
public sealed class AlarmTable
{
    private const uint Magic = 0x4C41_4B47; // "GKAL" little-endian
    private const int FormatVersion = 1;

    private readonly SortedSet<(AlarmType Type, ulong MemberId)> _active = [];

    /// <summary>Asked twice per applied write: with no alarm active (the usual case) it allocates nothing.</summary>
    public bool IsActive(AlarmType type) => _active.Count > 0 && _active.Any(alarm => alarm.Type == type);

    /// <summary>Every active alarm, by type then member.</summary>
    public IReadOnlyList<AlarmMember> Active => Matching(AlarmType.None);

    /// <summary>
    /// etcd's semantics: GET lists the active alarms of the asked type (all of them for NONE) and ignores the
    /// member; ACTIVATE answers the alarm, new or already active; DEACTIVATE answers the alarm it cleared, or
    /// nothing when it was not active.
    /// </summary>
    public AlarmResponse Apply(AlarmRequest request)
    {
        var response = new AlarmResponse();
        var alarm = (request.Alarm, request.MemberID);
        switch (request.Action)
        {
            case AlarmRequest.Types.AlarmAction.Get:
                response.Alarms.AddRange(Matching(request.Alarm));
                break;
            case AlarmRequest.Types.AlarmAction.Activate:
                _active.Add(alarm);
                response.Alarms.Add(ToMember(alarm));
                break;
            case AlarmRequest.Types.AlarmAction.Deactivate:
                if (_active.Remove(alarm)) response.Alarms.Add(ToMember(alarm));
                break;
        }
        return response;
    }

    public void WriteSnapshot(Stream destination)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write7BitEncodedInt(FormatVersion);
        writer.Write7BitEncodedInt(_active.Count);
        foreach (var (type, memberId) in _active)
        {
            writer.Write7BitEncodedInt((int)type);
            writer.Write(memberId);
        }
    }

    /// <summary>Snapshots taken before alarms were replicated end before this section: they had none.</summary>
    public static AlarmTable Restore(Stream source)
    {
        var table = new AlarmTable();
        if (source.Position == source.Length) return table;
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic) throw new InvalidDataException("Not a GrainKv alarm snapshot.");
        var formatVersion = reader.Read7BitEncodedInt();
        if (formatVersion != FormatVersion) throw new InvalidDataException($"Unsupported alarm snapshot format {formatVersion}.");
        var count = reader.Read7BitEncodedInt();
        for (var i = 0; i < count; i++)
        {
            var alarm = ((AlarmType)reader.Read7BitEncodedInt(), reader.ReadUInt64());
            if (!table._active.Add(alarm)) throw new InvalidDataException("An alarm appears twice in the alarm snapshot.");
        }
        return table;
    }

    private List<AlarmMember> Matching(AlarmType type) =>
        _active.Where(alarm => type == AlarmType.None || alarm.Type == type).Select(ToMember).ToList();

    private static AlarmMember ToMember((AlarmType Type, ulong MemberId) alarm) => new() { Alarm = alarm.Type, MemberID = alarm.MemberId };
}
