using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Sharding;
using GrainKv.Mvcc;

namespace GrainKv.Grains.Tests.Routing;

/// <summary>
/// A range over several shards answers exactly what one store holding every key answers: checked against one, for
/// random histories and random requests with every option (limit, sort, filters, keys/count only, revision).
/// </summary>
public sealed class ShardedRangeTests
{
    private static readonly ShardMap FourShards = InitialShardLayout.Layout([1, 2, 3], [B("d"), B("h"), B("p")], 3);

    [Fact]
    public void Split_CutsTheRangeAtShardBounds_KeepingItsEnds()
    {
        var parts = ShardedRange.Split(new RangeRequest { Key = ByteString.CopyFromUtf8("b"), RangeEnd = ByteString.CopyFromUtf8("k"), Limit = 3 }, FourShards);

        Assert.Equal([(1UL, "b", "d"), (2UL, "d", "h"), (3UL, "h", "k")],
            parts.Select(p => (p.ShardId, p.Part.Key.ToStringUtf8(), p.Part.RangeEnd.ToStringUtf8())));
        Assert.All(parts, p => Assert.Equal(3, p.Part.Limit));
    }

    [Fact]
    public void Split_FromKeyToTheEnd_EndsTheLastPartAtTheEndOfTheKeySpace()
    {
        var parts = ShardedRange.Split(new RangeRequest { Key = ByteString.CopyFromUtf8("e"), RangeEnd = ByteString.CopyFrom(0) }, FourShards);

        Assert.Equal([(2UL, "e", "h"), (3UL, "h", "p"), (4UL, "p", "\0")],
            parts.Select(p => (p.ShardId, p.Part.Key.ToStringUtf8(), p.Part.RangeEnd.ToStringUtf8())));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Merge_OfEveryShardsAnswer_IsWhatOneStoreAnswers(int seed)
    {
        var random = new Random(seed);
        var whole = new MvccStore();
        var shards = FourShards.Ranges.ToDictionary(r => r.ShardId, _ => new MvccStore());
        var revision = 1L;
        for (var i = 0; i < 200; i++)
        {
            revision += random.Next(1, 4);
            var key = RandomKey(random);
            var shard = shards[FourShards.ShardFor(key.Span)];
            whole.StampedRevision = revision;
            shard.StampedRevision = revision;
            if (random.Next(5) == 0)
            {
                whole.DeleteRange(new DeleteRangeRequest { Key = key });
                shard.DeleteRange(new DeleteRangeRequest { Key = key });
            }
            else
            {
                var put = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(random.Next(10).ToString()) };
                whole.Put(put);
                shard.Put(put);
            }
        }
        var readAt = revision + 1;

        for (var i = 0; i < 300; i++)
        {
            var request = RandomRequest(random, readAt);
            var expected = whole.Range(request, readAt);
            var parts = ShardedRange.Split(request, FourShards);
            var answers = parts.Select(p => shards[p.ShardId].Range(p.Part, readAt)).ToList();

            Assert.All(answers, a => Assert.Equal(expected.Error, a.Error));
            if (!expected.IsOk) continue;
            var merged = ShardedRange.Merge(request, answers.Select(a => a.Value).ToList(), readAt);
            Assert.True(expected.Value.Equals(merged), $"seed {seed}, request {request}:\n expected {expected.Value}\n merged   {merged}");
        }
    }

    private static ByteString RandomKey(Random random) =>
        ByteString.CopyFromUtf8(new string((char)('a' + random.Next(20)), 1) + random.Next(3));

    private static RangeRequest RandomRequest(Random random, long readAt)
    {
        var from = (char)('a' + random.Next(20));
        var request = new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(from.ToString()),
            RangeEnd = random.Next(4) == 0 ? ByteString.CopyFrom(0) : ByteString.CopyFromUtf8(((char)(from + 1 + random.Next(12))).ToString()),
            Limit = random.Next(4) == 0 ? 0 : random.Next(1, 6),
            SortOrder = (RangeRequest.Types.SortOrder)random.Next(3),
            SortTarget = (RangeRequest.Types.SortTarget)random.Next(5),
            KeysOnly = random.Next(4) == 0,
            CountOnly = random.Next(6) == 0,
            Revision = random.Next(3) == 0 ? random.Next(1, (int)readAt + 1) : 0,
        };
        if (random.Next(4) == 0) request.MinModRevision = random.Next((int)readAt);
        if (random.Next(4) == 0) request.MaxCreateRevision = random.Next((int)readAt);
        return request;
    }

    private static byte[] B(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
