using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Runtime.Tests.Cluster;

public interface IPlacedGrain : IGrainWithStringKey
{
    /// <summary>The address of the silo the call ran on.</summary>
    Task<string> WhereAmI();

    Task<RangeResponse> Echo(RangeRequest request, long count, ulong revision, int limit, bool more, string? text);

    ValueTask<string?> Nothing();

    Task Record(string text);

    Task<string?> LastRecorded();

    Task Throw(string message);

    Task<long> Unsupported(DateTime at);

    /// <summary>
    /// Notes in <see cref="PlacedGrain.Hung"/> that it runs here, then waits for ever: a call still in
    /// progress when its silo dies.
    /// </summary>
    Task<string> Hang(string text);
}

public sealed class PlacedGrain(ILocalSiloDetails silo) : Grain, IPlacedGrain
{
    private readonly List<string> _recorded = [];

    /// <summary>Every <see cref="Hang"/> call that started, with the silo it runs on; shared by the silos of one test process.</summary>
    public static System.Collections.Concurrent.ConcurrentBag<(SiloAddress Silo, string Text)> Hung { get; } = [];

    public Task<string> WhereAmI() => Task.FromResult(silo.SiloAddress.ToString());

    public Task<RangeResponse> Echo(RangeRequest request, long count, ulong revision, int limit, bool more, string? text)
    {
        var response = new RangeResponse { Count = count, More = more, Header = new ResponseHeader { Revision = (long)revision } };
        response.Kvs.Add(new Mvccpb.KeyValue { Key = request.Key, Value = ByteString.CopyFromUtf8(text ?? "<null>"), Version = limit });
        return Task.FromResult(response);
    }

    public ValueTask<string?> Nothing() => ValueTask.FromResult<string?>(null);

    public Task Record(string text)
    {
        _recorded.Add(text);
        return Task.CompletedTask;
    }

    public Task<string?> LastRecorded() => Task.FromResult(_recorded.LastOrDefault());

    public Task Throw(string message) => throw new InvalidOperationException(message);

    public Task<long> Unsupported(DateTime at) => Task.FromResult(at.Ticks);

    public async Task<string> Hang(string text)
    {
        Hung.Add((silo.SiloAddress, text));
        await Task.Delay(Timeout.Infinite);
        return text;
    }
}
