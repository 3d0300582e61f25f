using Google.Protobuf;
using Orleans.Runtime;

namespace GrainKv.Orleans.Membership;

/// <summary>Where <see cref="Group0MembershipTable"/> keeps one cluster's membership table in group 0.</summary>
internal sealed class TableKeys(string clusterId)
{
    public enum Kind
    {
        Other,
        Version,
        Row,
        Alive,
    }

    private const string RowPrefix = "silo/";
    private const string AlivePrefix = "alive/";

    private readonly string _prefix = $"orleans/{clusterId}/";

    public ByteString Prefix => ByteString.CopyFromUtf8(_prefix);

    public ByteString Version => ByteString.CopyFromUtf8(_prefix + "version");

    public ByteString Row(SiloAddress silo) => ByteString.CopyFromUtf8(_prefix + RowPrefix + silo.ToParsableString());

    public ByteString Alive(SiloAddress silo) => ByteString.CopyFromUtf8(_prefix + AlivePrefix + silo.ToParsableString());

    /// <summary>What a key under <see cref="Prefix"/> holds, and for a silo's keys which silo (its parsable address).</summary>
    public (Kind Kind, string Silo) Parse(ByteString key)
    {
        var name = key.ToStringUtf8()[_prefix.Length..];
        if (name == "version") return (Kind.Version, "");
        if (name.StartsWith(RowPrefix, StringComparison.Ordinal)) return (Kind.Row, name[RowPrefix.Length..]);
        if (name.StartsWith(AlivePrefix, StringComparison.Ordinal)) return (Kind.Alive, name[AlivePrefix.Length..]);
        return (Kind.Other, "");
    }
}
