using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

/// <summary>
/// A real Kestrel on a free 127.0.0.1 port, set up by <see cref="GrpcKestrel.ConfigureForGrpc"/>, serving
/// etcd's KV/Range with Grpc.AspNetCore: it answers with one key-value whose key is the request's.
/// </summary>
internal sealed class EchoKvServer : IAsyncDisposable
{
    public const string RangePath = "/etcdserverpb.KV/Range";

    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private EchoKvServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _channel = GrpcChannels.Open(address);
        Client = new KV.KVClient(_channel);
    }

    public Uri Address { get; }

    public KV.KVClient Client { get; }

    public static async Task<EchoKvServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureForGrpc([new Uri("http://127.0.0.1:0")]));
        builder.Services.AddGrpcWithGoWire();
        var app = builder.Build();
        app.MapGrpcService<EchoKv>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new EchoKvServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class EchoKv : KV.KVBase
    {
        public override Task<RangeResponse> Range(RangeRequest request, ServerCallContext context)
        {
            var response = new RangeResponse { Count = 1 };
            response.Kvs.Add(new Mvccpb.KeyValue { Key = request.Key });
            return Task.FromResult(response);
        }
    }
}
