using System.Text;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>The 61 predefined entries of RFC 7541 Appendix A, indexed from 1.</summary>
internal static class HpackStaticTable
{
    private static readonly HpackHeaderField[] Entries =
    [
        Field(":authority"),
        Field(":method", "GET"),
        Field(":method", "POST"),
        Field(":path", "/"),
        Field(":path", "/index.html"),
        Field(":scheme", "http"),
        Field(":scheme", "https"),
        Field(":status", "200"),
        Field(":status", "204"),
        Field(":status", "206"),
        Field(":status", "304"),
        Field(":status", "400"),
        Field(":status", "404"),
        Field(":status", "500"),
        Field("accept-charset"),
        Field("accept-encoding", "gzip, deflate"),
        Field("accept-language"),
        Field("accept-ranges"),
        Field("accept"),
        Field("access-control-allow-origin"),
        Field("age"),
        Field("allow"),
        Field("authorization"),
        Field("cache-control"),
        Field("content-disposition"),
        Field("content-encoding"),
        Field("content-language"),
        Field("content-length"),
        Field("content-location"),
        Field("content-range"),
        Field("content-type"),
        Field("cookie"),
        Field("date"),
        Field("etag"),
        Field("expect"),
        Field("expires"),
        Field("from"),
        Field("host"),
        Field("if-match"),
        Field("if-modified-since"),
        Field("if-none-match"),
        Field("if-range"),
        Field("if-unmodified-since"),
        Field("last-modified"),
        Field("link"),
        Field("location"),
        Field("max-forwards"),
        Field("proxy-authenticate"),
        Field("proxy-authorization"),
        Field("range"),
        Field("referer"),
        Field("refresh"),
        Field("retry-after"),
        Field("server"),
        Field("set-cookie"),
        Field("strict-transport-security"),
        Field("transfer-encoding"),
        Field("user-agent"),
        Field("vary"),
        Field("via"),
        Field("www-authenticate"),
    ];

    public static int Count => Entries.Length;

    /// <summary>The entry at <paramref name="index"/>, 1 to <see cref="Count"/>.</summary>
    public static HpackHeaderField Get(int index) => Entries[index - 1];

    private static HpackHeaderField Field(string name, string value = "") => new(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value));
}
