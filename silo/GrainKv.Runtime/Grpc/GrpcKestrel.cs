using System.Net;
using GrainKv.Runtime.Grpc.Http2;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GrainKv.Runtime.Grpc;

/// <summary>Kestrel settings for serving gRPC the way etcd's clients expect (etcd-api.md §8.1, §8.6).</summary>
public static class GrpcKestrel
{
    /// <summary>Large enough that a 2 MiB request (etcd's receive limit) needs no WINDOW_UPDATE round trip.</summary>
    public const int StreamWindowBytes = 4 * 1024 * 1024;
    public const int ConnectionWindowBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Listens on each URL (http://host:port; port 0 picks a free one) with HTTP/2 only: Kestrel answers
    /// prior-knowledge h2c only on an Http2-only endpoint. Raises the stream and window limits for gRPC, and
    /// lifts the request body limits, which would end long-lived streams. A URL sent as :authority, which
    /// Kestrel would refuse, is rewritten to its host and port (<see cref="UrlAuthorityRewriting"/>), and a :scheme
    /// that is not the transport's is accepted.
    /// </summary>
    public static void ConfigureForGrpc(this KestrelServerOptions options, IEnumerable<Uri> listenUrls)
    {
        options.AddServerHeader = false;
        // A TLS-terminating proxy forwards `:scheme: https` over cleartext; Kestrel resets such a stream unless told
        // otherwise, where etcd answers it. Nothing here reads HttpRequest.Scheme, so the client's value is harmless.
        options.AllowAlternateSchemes = true;
        // Watch and keep-alive streams are idle for long stretches; etcd never times them out.
        options.Limits.MinRequestBodyDataRate = null;
        options.Limits.MaxRequestBodySize = null;
        Http2Limits http2 = options.Limits.Http2;
        // etcd allows unlimited concurrent streams and Go clients multiplex every call over one connection.
        http2.MaxStreamsPerConnection = int.MaxValue;
        http2.InitialStreamWindowSize = StreamWindowBytes;
        http2.InitialConnectionWindowSize = ConnectionWindowBytes;

        foreach (Uri url in listenUrls)
        {
            Listen(options, url);
        }
    }

    private static void Listen(KestrelServerOptions options, Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new NotSupportedException($"cannot listen on {url}: only http:// (h2c) gRPC endpoints are supported");
        }

        Action<ListenOptions> grpcEndpoint = listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseUrlAuthorityRewriting();
        };
        string host = url.Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                options.ListenAnyIP(url.Port, grpcEndpoint);
            }
            else
            {
                options.Listen(address, url.Port, grpcEndpoint);
            }
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            options.ListenLocalhost(url.Port, grpcEndpoint);
        }
        else
        {
            throw new NotSupportedException($"cannot listen on {url}: give an IP address or localhost");
        }
    }
}
