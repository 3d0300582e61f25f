using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Shard;

namespace GrainKv.Group0.Protocol;

/// <remarks>Group 0 keeps each member's under its own key: "member/" and the member id in hex.</remarks>
public sealed partial class MemberAttributes
{
    private static readonly ByteString KeyPrefix = ByteString.CopyFromUtf8("member/");

    public static ByteString KeyOf(ulong memberId) =>
        ByteString.CopyFromUtf8(string.Create(CultureInfo.InvariantCulture, $"member/{memberId:x16}"));

    /// <summary>The read of every member's attributes from the replica asked.</summary>
    public static ShardRead ReadAll() => new()
    {
        Serializable = true,
        Range = new RangeRequest { Key = KeyPrefix, RangeEnd = GrainKv.KeyPrefix.RangeEnd(KeyPrefix) },
    };

    /// <summary>What <see cref="ReadAll"/> found, by member id.</summary>
    public static IReadOnlyDictionary<ulong, MemberAttributes> All(RangeResponse found) =>
        found.Kvs.ToDictionary(
            kv => ulong.Parse(kv.Key.Span[KeyPrefix.Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            kv => Parser.ParseFrom(kv.Value));
}
