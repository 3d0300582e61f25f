using System.Runtime.CompilerServices;

namespace GrainKv.Runtime.Grpc;

public static class AsyncStreamReaderExtensions
{
    /// <summary>The remaining request messages, for <c>await foreach</c>.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IAsyncStreamReader<T> reader,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
