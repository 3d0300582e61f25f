using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// Kestrel connection middleware that turns a URL <c>:authority</c> into its host and port before Kestrel's HTTP/2
/// parser sees it (<see cref="Http2AuthorityRewriter"/>). Kestrel resets every stream whose authority is not a valid
/// host[:port], with no option to stop it, so etcd 3.4's <c>etcdctl --endpoints http://… endpoint status</c> would fail.
/// </summary>
internal static class UrlAuthorityRewriting
{
    public static void UseUrlAuthorityRewriting(this ListenOptions listen) =>
        listen.Use(next => connection =>
        {
            KestrelServerLimits limits = listen.KestrelServerOptions.Limits;
            var rewriter = new Http2AuthorityRewriter(limits.Http2.HeaderTableSize, 2 * limits.MaxRequestHeadersTotalSize);
            IDuplexPipe transport = connection.Transport;
            connection.Transport = new RewrittenTransport(new AuthorityRewritingPipeReader(transport.Input, rewriter), transport.Output);
            return next(connection);
        });

    private sealed class RewrittenTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
