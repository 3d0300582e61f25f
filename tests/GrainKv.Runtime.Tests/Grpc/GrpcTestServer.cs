using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Tests.Grpc;

/// <summary>A real Kestrel on a free 127.0.0.1 port serving a registry of test methods over our framing.</summary>
internal sealed class GrpcTestServer : IAsyncDisposable
{
    public const int MaxReceiveMessageBytes = 64 * 1024;

    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new GrpcClient(address);
    }

    public Uri Address { get; }

    public GrpcClient Client { get; }

    /// <summary>Completes with the Wait method's token state once the server saw it cancelled.</summary>
    public TaskCompletionSource<ServerCallContext> WaitCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<GrpcTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureForGrpc([new Uri("http://127.0.0.1:0")]));
        var app = builder.Build();
        var registry = new GrpcServiceRegistry();
        var server = new Holder();
        TestMethods.Register(registry, () => server.Value!);
        app.UseGrpcServices(registry, new GrpcServerOptions { MaxReceiveMessageBytes = MaxReceiveMessageBytes });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Value = new GrpcTestServer(app, new Uri(address));
        return server.Value;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Holder
    {
        public GrpcTestServer? Value { get; set; }
    }

    /// <summary>
    /// The test service. RangeRequest and RangeResponse stand in for any messages: Key carries text, Limit a
    /// count or status code.
    /// </summary>
    private static class TestMethods
    {
        public static void Register(GrpcServiceRegistry registry, Func<GrpcTestServer> server)
        {
            registry.AddUnary<RangeRequest, RangeResponse>("/test.Echo/Unary", RangeRequest.Parser, (request, context) =>
                Task.FromResult(Echo(request.Key, context.RequestHeaders.GetValue("token"))));
            registry.AddUnary<RangeRequest, RangeResponse>("/test.Echo/Fail", RangeRequest.Parser, (request, _) =>
                throw new RpcException((StatusCode)request.Limit, request.Key.ToStringUtf8()));
            registry.AddUnary<RangeRequest, RangeResponse>("/test.Echo/Throw", RangeRequest.Parser, (request, _) =>
                throw new InvalidOperationException(request.Key.ToStringUtf8()));
            registry.AddUnary<RangeRequest, RangeResponse>("/test.Echo/Wait", RangeRequest.Parser, async (_, context) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                finally
                {
                    server().WaitCancelled.TrySetResult(context);
                }

                return new RangeResponse();
            });
            registry.AddServerStreaming<RangeRequest, RangeResponse>("/test.Echo/Count", RangeRequest.Parser, async (request, writer, _) =>
            {
                for (int i = 0; i < request.Limit; i++)
                {
                    await writer.WriteAsync(new RangeResponse { Count = i });
                }

                if (!request.Key.IsEmpty)
                {
                    throw new RpcException(StatusCode.Aborted, request.Key.ToStringUtf8());
                }
            });
            registry.AddClientStreaming<RangeRequest, RangeResponse>("/test.Echo/Sum", RangeRequest.Parser, async (requests, _) =>
            {
                long sum = 0;
                await foreach (var request in requests.ReadAllAsync())
                {
                    sum += request.Limit;
                }

                return new RangeResponse { Count = sum };
            });
            registry.AddDuplexStreaming<RangeRequest, RangeResponse>("/test.Echo/Chat", RangeRequest.Parser, async (requests, writer, _) =>
            {
                await foreach (var request in requests.ReadAllAsync())
                {
                    await writer.WriteAsync(Echo(request.Key, null));
                }
            });
            registry.AddDuplexStreaming<RangeRequest, RangeResponse>("/test.Echo/Hold", RangeRequest.Parser, async (requests, writer, context) =>
            {
                try
                {
                    await requests.MoveNext();
                    await writer.WriteAsync(Echo(requests.Current.Key, null));
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                finally
                {
                    server().WaitCancelled.TrySetResult(context);
                }
            });
            registry.AddUnimplemented(RpcReflection.Descriptor.Services);
            registry.AddUnary<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", RangeRequest.Parser, (request, _) =>
                Task.FromResult(Echo(request.Key, null)));
        }

        private static RangeResponse Echo(ByteString key, string? token)
        {
            var response = new RangeResponse { Count = key.Length };
            response.Kvs.Add(new Mvccpb.KeyValue { Key = key, Value = ByteString.CopyFromUtf8(token ?? "") });
            return response;
        }
    }
}
