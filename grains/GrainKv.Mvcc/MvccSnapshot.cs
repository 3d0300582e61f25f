using System.Text;
using Google.Protobuf;
using Mvccpb;

namespace GrainKv.Mvcc;

/// <summary>
/// A store's state captured in one instant and written later, on any thread, while the store goes on changing. The
/// capture copies only references: every key's retained versions, which are never changed once recorded (a
/// compaction removes versions from the store's lists, not from this copy). The binary format: magic, format
/// version, revision, compact revision, then every key in order with its retained versions (main, sub, and for a put:
/// create revision, version, lease, value). mod_revision is the version's main revision and is not stored twice.
/// </summary>
public sealed class MvccSnapshot
{
    private const uint Magic = 0x564D_4B47; // "GKMV" little-endian
    private const int FormatVersion = 1;
    private const byte PutMarker = 0;
    private const byte TombstoneMarker = 1;

    private readonly long _revision;
    private readonly long _compactRevision;
    private readonly ByteString[] _keys;
    /// <summary>How many of <see cref="_versions"/> each key holds, in key order.</summary>
    private readonly int[] _versionCounts;
    private readonly KeyVersion[] _versions;

    private MvccSnapshot(long revision, long compactRevision, ByteString[] keys, int[] versionCounts, KeyVersion[] versions)
    {
        _revision = revision;
        _compactRevision = compactRevision;
        _keys = keys;
        _versionCounts = versionCounts;
        _versions = versions;
    }

    internal static MvccSnapshot Capture(MvccStore store)
    {
        var keys = new ByteString[store.Index.Count];
        var versionCounts = new int[keys.Length];
        var versions = new List<KeyVersion>(keys.Length);
        var k = 0;
        for (var cursor = store.Index.Seek([]); cursor.IsValid; cursor.MoveNext(), k++)
        {
            var history = cursor.Value;
            keys[k] = history.Key;
            versionCounts[k] = history.Versions.Length;
            versions.AddRange(history.Versions);
        }
        return new MvccSnapshot(store.Revision, store.CompactRevision, keys, versionCounts, [.. versions]);
    }

    public void WriteTo(Stream destination)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write7BitEncodedInt(FormatVersion);
        writer.Write(_revision);
        writer.Write(_compactRevision);
        writer.Write7BitEncodedInt(_keys.Length);
        var next = 0;
        for (var k = 0; k < _keys.Length; k++)
        {
            WriteBytes(writer, _keys[k]);
            var versions = _versions.AsSpan(next, _versionCounts[k]);
            next += versions.Length;
            writer.Write7BitEncodedInt(versions.Length);
            foreach (var version in versions)
            {
                writer.Write7BitEncodedInt64(version.Revision.Main);
                writer.Write7BitEncodedInt64(version.Revision.Sub);
                if (version.Put is not { } put)
                {
                    writer.Write(TombstoneMarker);
                    continue;
                }
                writer.Write(PutMarker);
                writer.Write7BitEncodedInt64(put.CreateRevision);
                writer.Write7BitEncodedInt64(put.Version);
                writer.Write7BitEncodedInt64(put.Lease);
                WriteBytes(writer, put.Value);
            }
        }
    }

    internal static MvccStore Read(Stream source, ILeaseLookup? leases)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic)
        {
            throw new InvalidDataException("Not a GrainKv MVCC snapshot.");
        }
        var formatVersion = reader.Read7BitEncodedInt();
        if (formatVersion != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported MVCC snapshot format {formatVersion}.");
        }
        var revision = reader.ReadInt64();
        var compactRevision = reader.ReadInt64();
        var keyCount = reader.Read7BitEncodedInt();
        var keys = new List<KeyHistory>(keyCount);
        for (var k = 0; k < keyCount; k++)
        {
            var history = new KeyHistory(ReadBytes(reader));
            if (keys.Count > 0 && keys[^1].Key.Span.SequenceCompareTo(history.Key.Span) >= 0)
            {
                throw new InvalidDataException("MVCC snapshot keys are not in ascending order.");
            }
            var versionCount = reader.Read7BitEncodedInt();
            for (var v = 0; v < versionCount; v++)
            {
                var at = new Revision(reader.Read7BitEncodedInt64(), reader.Read7BitEncodedInt64());
                var put = reader.ReadByte() switch
                {
                    TombstoneMarker => null,
                    PutMarker => new KeyValue
                    {
                        Key = history.Key,
                        ModRevision = at.Main,
                        CreateRevision = reader.Read7BitEncodedInt64(),
                        Version = reader.Read7BitEncodedInt64(),
                        Lease = reader.Read7BitEncodedInt64(),
                        Value = ReadBytes(reader),
                    },
                    var marker => throw new InvalidDataException($"Unknown MVCC snapshot version marker {marker}."),
                };
                history.Append(new KeyVersion(at, put));
            }
            keys.Add(history);
        }
        var store = new MvccStore(leases);
        store.LoadSnapshotState(revision, compactRevision, keys);
        return store;
    }

    private static void WriteBytes(BinaryWriter writer, ByteString bytes)
    {
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes.Span);
    }

    /// <summary>The array is fresh and never written again, so wrapping it without a copy is safe.</summary>
    private static ByteString ReadBytes(BinaryReader reader)
    {
        var length = reader.Read7BitEncodedInt();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException("MVCC snapshot ends inside a key or value.");
        }
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }
}
