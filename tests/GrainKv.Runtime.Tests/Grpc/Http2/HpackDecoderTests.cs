using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

/// <summary>RFC 7541 Appendix C: each example's header list and the dynamic table after it.</summary>
public sealed class HpackDecoderTests
{
    private const int DefaultTableBytes = 4096;
    private const int FieldBytesMax = 64 * 1024;

    public static TheoryData<string, string, string[], string[]> SingleFields => new()
    {
        // name, block, header list, dynamic table newest first
        { "C.2.1 literal with indexing", "400a637573746f6d2d6b65790d637573746f6d2d686561646572",
            ["custom-key: custom-header"], ["custom-key: custom-header"] },
        { "C.2.2 literal without indexing", "040c2f73616d706c652f70617468", [":path: /sample/path"], [] },
        { "C.2.3 literal never indexed", "100870617373776f726406736563726574", ["password: secret"], [] },
        { "C.2.4 indexed", "82", [":method: GET"], [] },
    };

    [Theory, MemberData(nameof(SingleFields))]
    public void TryDecode_SingleFieldExample_GivesItsHeaderListAndTable(string name, string block, string[] headers, string[] table)
    {
        var decoder = new HpackDecoder(DefaultTableBytes, FieldBytesMax);
        var fields = new List<HpackHeaderField>();

        Assert.True(decoder.TryDecode(Convert.FromHexString(block), fields), name);

        Assert.Equal(headers, fields.Select(f => f.ToString()));
        Assert.Equal(table, Entries(decoder.Table));
    }

    [Fact]
    public void TryDecode_NeverIndexedLiteral_IsMarkedSo()
    {
        var fields = new List<HpackHeaderField>();

        Assert.True(new HpackDecoder(DefaultTableBytes, FieldBytesMax).TryDecode(Convert.FromHexString("100870617373776f726406736563726574"), fields));

        Assert.True(Assert.Single(fields).NeverIndexed);
    }

    [Theory]
    [InlineData("C.3 without Huffman", new[]
    {
        "828684410f7777772e6578616d706c652e636f6d",
        "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
    })]
    [InlineData("C.4 with Huffman", new[]
    {
        "828684418cf1e3c2e5f23a6ba0ab90f4ff",
        "828684be5886a8eb10649cbf",
        "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
    })]
    public void TryDecode_RequestExamples_GiveTheRfcHeadersAndTables(string name, string[] blocks)
    {
        var decoder = new HpackDecoder(DefaultTableBytes, FieldBytesMax);
        string[][] headers =
        [
            [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"],
            [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"],
            [":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"],
        ];
        string[][] tables =
        [
            [":authority: www.example.com"],
            ["cache-control: no-cache", ":authority: www.example.com"],
            ["custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"],
        ];
        int[] tableBytes = [57, 110, 164];

        for (int i = 0; i < blocks.Length; i++)
        {
            var fields = new List<HpackHeaderField>();
            Assert.True(decoder.TryDecode(Convert.FromHexString(blocks[i]), fields), $"{name}, request {i + 1}");
            Assert.Equal(headers[i], fields.Select(f => f.ToString()));
            Assert.Equal(tables[i], Entries(decoder.Table));
            Assert.Equal(tableBytes[i], decoder.Table.Bytes);
        }
    }

    [Theory]
    [InlineData("C.5 without Huffman", new[]
    {
        "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
        "4803333037c1c0bf",
        "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
    })]
    [InlineData("C.6 with Huffman", new[]
    {
        "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
        "4883640effc1c0bf",
        "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
    })]
    public void TryDecode_ResponseExamplesWithA256ByteTable_EvictTheOldestEntries(string name, string[] blocks)
    {
        var decoder = new HpackDecoder(256, FieldBytesMax);
        const string date21 = "date: Mon, 21 Oct 2013 20:13:21 GMT";
        const string date22 = "date: Mon, 21 Oct 2013 20:13:22 GMT";
        const string location = "location: https://www.example.com";
        const string cookie = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
        string[][] headers =
        [
            [":status: 302", "cache-control: private", date21, location],
            [":status: 307", "cache-control: private", date21, location],
            [":status: 200", "cache-control: private", date22, location, "content-encoding: gzip", cookie],
        ];
        string[][] tables =
        [
            [location, date21, "cache-control: private", ":status: 302"],
            [":status: 307", location, date21, "cache-control: private"],
            [cookie, "content-encoding: gzip", date22],
        ];
        int[] tableBytes = [222, 222, 215];

        for (int i = 0; i < blocks.Length; i++)
        {
            var fields = new List<HpackHeaderField>();
            Assert.True(decoder.TryDecode(Convert.FromHexString(blocks[i]), fields), $"{name}, response {i + 1}");
            Assert.Equal(headers[i], fields.Select(f => f.ToString()));
            Assert.Equal(tables[i], Entries(decoder.Table));
            Assert.Equal(tableBytes[i], decoder.Table.Bytes);
        }
    }

    [Fact]
    public void TryDecode_SizeUpdate_EvictsWhatNoLongerFitsAndBoundsLaterInsertions()
    {
        var decoder = new HpackDecoder(DefaultTableBytes, FieldBytesMax);
        var fields = new List<HpackHeaderField>();
        Assert.True(decoder.TryDecode(Convert.FromHexString("400a637573746f6d2d6b65790d637573746f6d2d686561646572" + "4001610162"), fields));
        Assert.Equal(["a: b", "custom-key: custom-header"], Entries(decoder.Table));

        // Size update to 40 (5-bit prefix: 31 + 9), then a field of 32 + 2 bytes: only it fits.
        Assert.True(decoder.TryDecode(Convert.FromHexString("3f09" + "4001630164"), fields));

        Assert.Equal(["c: d"], Entries(decoder.Table));
        Assert.Equal(40, decoder.Table.BytesMax);
        Assert.Equal(34, decoder.Table.Bytes);
    }

    [Fact]
    public void TryDecode_EntryLargerThanTheTable_EmptiesIt()
    {
        var decoder = new HpackDecoder(64, FieldBytesMax);
        var fields = new List<HpackHeaderField>();
        Assert.True(decoder.TryDecode(Convert.FromHexString("4001610162"), fields));

        // x and 32 bytes of value: 65 bytes as an entry.
        Assert.True(decoder.TryDecode(Convert.FromHexString("40017820" + Convert.ToHexString(new byte[32])), fields));

        Assert.Empty(Entries(decoder.Table));
        Assert.Equal(0, decoder.Table.Bytes);
    }

    [Theory]
    [InlineData("index 0", "80")]
    [InlineData("index past the dynamic table", "be")]
    [InlineData("literal's name index past the dynamic table", "7e0161")]
    [InlineData("size update above SETTINGS_HEADER_TABLE_SIZE", "3fe21f")]
    [InlineData("size update after a field", "8220")]
    [InlineData("integer running past the block", "ff")]
    [InlineData("integer over int.MaxValue", "ffffffffff0f")]
    [InlineData("string longer than the block", "40056162")]
    [InlineData("literal without its value", "400161")]
    [InlineData("Huffman string holding EOS", "40016184ffffffff")]
    [InlineData("Huffman padding of 8 bits", "400161821fff")]
    [InlineData("Huffman padding not all ones", "4001618118")]
    public void TryDecode_MalformedBlock_IsFalse(string name, string block)
    {
        Assert.False(new HpackDecoder(DefaultTableBytes, FieldBytesMax).TryDecode(Convert.FromHexString(block), []), name);
    }

    [Fact]
    public void TryDecode_FieldsOverTheByteLimit_IsFalse()
    {
        var decoder = new HpackDecoder(DefaultTableBytes, fieldBytesMax: 20);
        Assert.True(decoder.TryDecode(Convert.FromHexString("400a637573746f6d2d6b65790161"), []));

        // The same entry twice, by index: 11 + 11 name and value bytes.
        Assert.False(decoder.TryDecode(Convert.FromHexString("bebe"), []));
    }

    private static IEnumerable<string> Entries(HpackDynamicTable table) =>
        Enumerable.Range(0, table.Count).Select(i => table[i].ToString());
}
