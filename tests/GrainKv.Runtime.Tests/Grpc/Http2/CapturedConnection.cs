namespace GrainKv.Runtime.Tests.Grpc.Http2;

internal static class CapturedConnection
{
    /// <summary>
    /// What etcdctl 3.4.23 sent first for <c>--endpoints http://127.0.0.1:23795 endpoint status</c>: the client preface,
    /// SETTINGS, SETTINGS ACK, the Status call's HEADERS (grpc-go's HPACK: Huffman strings, incremental indexing,
    /// :authority "http://127.0.0.1:23795") and its DATA.
    /// </summary>
    public static readonly byte[] EtcdctlStatusCall = Convert.FromHexString(
        "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a000000040000000000000000040100000000000077010400000001838645" +
        "9760a924882d9dcb6571afa066a925a87510ac6e48d36a3f41909d29aee30c044eae05c0b86e09975f6f5f8b1d75d0620d263d4c4d65" +
        "647a8b9acac8b4c7602bb2caecff40027465864d833505b11f40899acac8b24d494f6a7f860befbcf36cdb408d25062d495875996ee5" +
        "b1063d5f03332e340000050001000000010000000000");
}
