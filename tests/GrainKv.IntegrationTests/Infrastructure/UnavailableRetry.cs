using Grpc.Core;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>Asks again while the server answers Unavailable, as etcd's clients do while a cluster elects a leader.</summary>
public static class UnavailableRetry
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(Pause);
            }
        }
    }
}
