using System.Text;
using Google.Protobuf;

namespace GrainKv.Leases;

/// <summary>
/// The binary snapshot of a lease table: magic, format version, then every lease in id order with its
/// granted TTL and its keys in key order. Expiry times are the leader's alone and are not written, so
/// replicas that applied the same log write the same bytes.
/// </summary>
internal static class LessorSnapshot
{
    private const uint Magic = 0x534C_4B47; // "GKLS" little-endian
    private const int FormatVersion = 1;

    public static void Write(IEnumerable<Lease> leases, Stream destination)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        var inIdOrder = leases.OrderBy(static lease => lease.Id).ToList();
        writer.Write(Magic);
        writer.Write7BitEncodedInt(FormatVersion);
        writer.Write7BitEncodedInt(inIdOrder.Count);
        foreach (var lease in inIdOrder)
        {
            writer.Write(lease.Id);
            writer.Write7BitEncodedInt64(lease.TtlSeconds);
            writer.Write7BitEncodedInt(lease.Keys.Count);
            foreach (var key in lease.Keys)
            {
                writer.Write7BitEncodedInt(key.Length);
                writer.Write(key.Span);
            }
        }
    }

    public static List<Lease> Read(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic)
        {
            throw new InvalidDataException("Not a GrainKv lease snapshot.");
        }
        var formatVersion = reader.Read7BitEncodedInt();
        if (formatVersion != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported lease snapshot format {formatVersion}.");
        }
        var leaseCount = reader.Read7BitEncodedInt();
        var leases = new List<Lease>(leaseCount);
        for (var l = 0; l < leaseCount; l++)
        {
            var lease = new Lease(reader.ReadInt64(), reader.Read7BitEncodedInt64());
            if (lease.Id == 0 || (leases.Count > 0 && leases[^1].Id >= lease.Id))
            {
                throw new InvalidDataException("Lease snapshot ids are not non-zero and ascending.");
            }
            var keyCount = reader.Read7BitEncodedInt();
            for (var k = 0; k < keyCount; k++)
            {
                if (!lease.Keys.Add(ReadKey(reader)))
                {
                    throw new InvalidDataException("A key appears twice under one lease in the lease snapshot.");
                }
            }
            leases.Add(lease);
        }
        return leases;
    }

    /// <summary>The array is fresh and never written again, so wrapping it without a copy is safe.</summary>
    private static ByteString ReadKey(BinaryReader reader)
    {
        var length = reader.Read7BitEncodedInt();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException("Lease snapshot ends inside a key.");
        }
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }
}
