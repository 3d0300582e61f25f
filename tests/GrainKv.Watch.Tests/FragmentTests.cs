using Etcdserverpb;
using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

public class FragmentTests
{
    private const int ThresholdBytes = 200;

    private static WatchFixture FixtureWithBigTxn(out long revision)
    {
        var fixture = new WatchFixture(new WatchHubOptions { FragmentThresholdBytes = ThresholdBytes });
        var value = new string('v', 60);
        revision = fixture.Txn(Enumerable.Range(0, 6)
            .Select(i => new RequestOp { RequestPut = new PutRequest { Key = B($"k{i}"), Value = B(value) } })
            .ToArray());
        return fixture;
    }

    [Fact]
    public void TakeOutbox_LargeResponseForAFragmentWatcher_SplitsItWithFragmentOnAllButTheLast()
    {
        var fixture = FixtureWithBigTxn(out var revision);
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("k", "l", startRevision: revision, fragment: true));

        var parts = stream.TakeOutbox().Skip(1).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts[..^1], part => Assert.True(part.Fragment));
        Assert.False(parts[^1].Fragment);
        Assert.All(parts, part => Assert.True(part.Events.Count == 1 || part.CalculateSize() < ThresholdBytes));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"k{i}"), parts.SelectMany(part => part.Events).Select(change => change.Kv.Key.ToStringUtf8()));
    }

    [Fact]
    public void OnApplied_LargeResponseForAFragmentWatcher_SplitsTheLivePathToo()
    {
        var fixture = new WatchFixture(new WatchHubOptions { FragmentThresholdBytes = ThresholdBytes });
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("k", "l", fragment: true));

        fixture.Txn(Enumerable.Range(0, 6)
            .Select(i => new RequestOp { RequestPut = new PutRequest { Key = B($"k{i}"), Value = B(new string('v', 60)) } })
            .ToArray());

        var parts = stream.TakeOutbox().Skip(1).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts[..^1], part => Assert.True(part.Fragment));
        Assert.False(parts[^1].Fragment);
        Assert.Equal(6, parts.Sum(part => part.Events.Count));
    }

    [Fact]
    public void TakeOutbox_LargeResponseWithoutFragment_StaysWhole()
    {
        var fixture = FixtureWithBigTxn(out var revision);
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("k", "l", startRevision: revision));

        var responses = stream.TakeOutbox().Skip(1).ToList();
        Assert.Equal([6], responses.Select(response => response.Events.Count));
        Assert.False(responses[0].Fragment);
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(1, 10)]
    [InlineData(3, 1000)]
    public void Split_SmallOrSingleEventResponse_StaysWhole(int events, int thresholdBytes)
    {
        var response = new WatchResponse { Header = new ResponseHeader { Revision = 5 }, WatchId = 1 };
        for (var i = 0; i < events; i++)
        {
            response.Events.Add(new Mvccpb.Event { Kv = new Mvccpb.KeyValue { Key = B($"k{i}"), Value = B(new string('v', 20)), ModRevision = 5 } });
        }

        var parts = ResponseFragmenter.Split(response, thresholdBytes);

        Assert.Same(response, Assert.Single(parts));
        Assert.False(parts[0].Fragment);
    }

    [Fact]
    public void Split_EveryEventAboveTheThreshold_GivesOnePartPerEventWithHeaderAndWatchId()
    {
        var response = new WatchResponse { Header = new ResponseHeader { Revision = 5 }, WatchId = 9 };
        for (var i = 0; i < 3; i++)
        {
            response.Events.Add(new Mvccpb.Event { Kv = new Mvccpb.KeyValue { Key = B($"k{i}"), Value = B(new string('v', 50)), ModRevision = 5 } });
        }

        var parts = ResponseFragmenter.Split(response, thresholdBytes: 20);

        Assert.Equal(["9@5 fragment", "9@5 fragment", "9@5 last"], parts.Select(part => $"{part.WatchId}@{part.Header.Revision} {(part.Fragment ? "fragment" : "last")}"));
        Assert.Equal(["k0", "k1", "k2"], parts.Select(part => part.Events.Single().Kv.Key.ToStringUtf8()));
        Assert.NotSame(parts[0].Header, parts[1].Header);
    }
}
