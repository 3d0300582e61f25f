namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// What one server answered through a scenario, line by line (normalized as <see cref="Outcome"/> does), so
/// a scenario run on etcd and then on GrainKv can be compared whole, blocking calls and their order included.
/// </summary>
public sealed class Transcript
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Records the call's outcome under <paramref name="what"/> and returns it.</summary>
    public async Task<Outcome> RecordAsync<T>(string what, Task<T> call) where T : Google.Protobuf.IMessage
    {
        var outcome = await Outcome.OfAsync(() => call);
        _lines.Add($"{what}: {outcome.Text}");
        return outcome;
    }

    /// <summary>Records a call's response, which must not be an error.</summary>
    public async Task<T> ExpectAsync<T>(string what, Task<T> call) where T : class, Google.Protobuf.IMessage
    {
        var outcome = await RecordAsync(what, call);
        return outcome.Response as T ?? throw new Xunit.Sdk.XunitException($"{what} failed: {outcome.Text}");
    }

    public void Note(string line) => _lines.Add(line);

    /// <summary>Runs <paramref name="scenario"/> on etcd, then on GrainKv, and asserts both told the same story.</summary>
    public static async Task AssertSameAsync(DifferentialFixture both, Func<EtcdClient, Transcript, Task> scenario)
    {
        var etcd = new Transcript();
        await scenario(both.EtcdClient, etcd);
        var grainKv = new Transcript();
        await scenario(both.GrainKvClient, grainKv);
        Assert.Equal(etcd.Lines, grainKv.Lines);
    }
}
