namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// An <c>:authority</c> that is a whole URL, as grpc-go sends for a "passthrough:///http://host:port" target (etcd
/// 3.4's clientv3 dials endpoint status and hashkv that way). Kestrel resets such a stream; etcd's Go server ignores
/// the authority.
/// </summary>
internal static class UrlAuthority
{
    /// <summary>
    /// The host and port of a value shaped <c>scheme://[userinfo@]host[:port][/path][?query][#fragment]</c> (RFC 3986
    /// §3); false for any other value, or an empty host. The userinfo goes too: HTTP/2 forbids it in :authority (RFC 9113 §8.3.1).
    /// </summary>
    public static bool TryGetHostAndPort(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> hostAndPort)
    {
        hostAndPort = default;
        int schemeEnd = value.IndexOf("://"u8);
        if (schemeEnd <= 0 || !IsScheme(value[..schemeEnd]))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = value[(schemeEnd + 3)..];
        int authorityEnd = rest.IndexOfAny("/?#"u8);
        ReadOnlySpan<byte> authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        hostAndPort = authority[(authority.LastIndexOf((byte)'@') + 1)..];
        return !hostAndPort.IsEmpty;
    }

    /// <summary>ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    private static bool IsScheme(ReadOnlySpan<byte> scheme)
    {
        if (!char.IsAsciiLetter((char)scheme[0]))
        {
            return false;
        }

        foreach (byte c in scheme[1..])
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c is not ((byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }
}
