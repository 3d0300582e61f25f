using Google.Protobuf;

namespace GrainKv.Mvcc.Tests;

public class KeyTreeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(20_000)]
    public void KeyTree_RandomInsertsAndRemovals_StayOrderedLikeSortedSet(int seed)
    {
        var random = new Random(seed);
        var tree = new KeyTree<string>();
        var model = new SortedSet<string>(StringComparer.Ordinal);
        for (var step = 0; step < 20_000; step++)
        {
            var key = random.Next(5_000).ToString("D5");
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(key), tree.Remove(ByteString.CopyFromUtf8(key).Span));
            }
            else if (model.Add(key))
            {
                tree.Add(ByteString.CopyFromUtf8(key), key);
            }
        }

        var scanned = new List<string>();
        for (var cursor = tree.Seek([]); cursor.IsValid; cursor.MoveNext())
        {
            scanned.Add(cursor.Value);
        }
        Assert.Equal(model, scanned);
        Assert.Equal(model.Count, tree.Count);
        var from = model.GetViewBetween("02500", "99999").FirstOrDefault();
        Assert.Equal(from, tree.Seek(ByteString.CopyFromUtf8("02500").Span) is { IsValid: true } c ? c.Value : null);
        Assert.Equal(model.Contains("01234") ? "01234" : null, tree.Find(ByteString.CopyFromUtf8("01234").Span));
    }

    [Fact]
    public void KeyTree_RemoveEverything_LeavesAnEmptyUsableTree()
    {
        var tree = new KeyTree<string>();
        for (var i = 0; i < 1_000; i++)
        {
            tree.Add(ByteString.CopyFromUtf8(i.ToString("D4")), "v");
        }
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(tree.Remove(ByteString.CopyFromUtf8(i.ToString("D4")).Span));
        }

        tree.Add(ByteString.CopyFromUtf8("x"), "x");

        Assert.Equal(1, tree.Count);
        Assert.Equal("x", tree.Seek([]).Value);
    }
}
