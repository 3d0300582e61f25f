using Etcdserverpb;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Infrastructure;

public static class Readiness
{
    /// <summary>Waits until a serializable Range of "health" answers, as `etcdctl endpoint health` checks.</summary>
    public static async Task WaitAsync(Uri clientUrl, ServerProcess process, string what, TimeSpan? timeout = null)
    {
        using var client = new EtcdClient(clientUrl);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(TimeSpan.FromSeconds(10));
                throw new InvalidOperationException($"{what} exited during start-up:\n{process.Output}");
            }
            try
            {
                await client.RangeAsync(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("health") });
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or TaskCanceledException or IOException)
            {
                last = ex;
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"{what} at {clientUrl} did not become ready: {last?.Message}\n{process.Output}");
    }
}
