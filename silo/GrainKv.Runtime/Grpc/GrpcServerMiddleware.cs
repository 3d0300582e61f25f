using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// Serves the registry's methods for HTTP/2 POSTs with a gRPC content type; other requests go on to the next
/// middleware. Every gRPC call ends with a grpc-status on HTTP 200, never with an HTTP error.
/// </summary>
public sealed class GrpcServerMiddleware(RequestDelegate next, GrpcServiceRegistry registry, GrpcServerOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !HttpProtocol.IsHttp2(request.Protocol) || !GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            return next(context);
        }

        return ServeAsync(context);
    }

    private async Task ServeAsync(HttpContext context)
    {
        AllowLongLivedBody(context);
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;

        string path = context.Request.Path.Value ?? "";
        if (Prepare(context, path, out GrpcMethodHandler? handler, out TimeSpan? timeout) is { } refused)
        {
            using var refusedCall = new GrpcServerCall(context, path, null, options.MaxReceiveMessageBytes);
            refusedCall.Complete(refused.StatusCode, refused.Message);
            return;
        }

        using var call = new GrpcServerCall(context, path, timeout, options.MaxReceiveMessageBytes);
        StatusCode code = StatusCode.OK;
        string message = "";
        try
        {
            await handler!.HandleAsync(call).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            (code, message) = StatusOf(error, call);
        }

        if (call.DeadlineExpired)
        {
            // grpc-go answers DeadlineExceeded once the deadline passed, whatever the handler did after it.
            (code, message) = (StatusCode.DeadlineExceeded, GrpcErrors.DeadlineExceededMessage);
        }

        call.Complete(code, message);
    }

    /// <summary>The checks grpc-go makes before running a handler, in its order; null when the call may run.</summary>
    private RpcException? Prepare(HttpContext context, string path, out GrpcMethodHandler? handler, out TimeSpan? timeout)
    {
        handler = null;
        timeout = null;
        IHeaderDictionary headers = context.Request.Headers;
        string? timeoutText = headers[GrpcProtocol.TimeoutHeader];
        if (timeoutText is not null)
        {
            if (!GrpcTimeout.TryParse(timeoutText, out TimeSpan parsed, out string? error))
            {
                return GrpcErrors.MalformedTimeout(error);
            }

            timeout = parsed;
        }

        handler = registry.Find(path);
        if (handler is null)
        {
            return registry.NotFoundError(path);
        }

        string? encoding = headers[GrpcProtocol.EncodingHeader];
        if (!string.IsNullOrEmpty(encoding) && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return GrpcErrors.DecompressorMissing(encoding);
        }

        return null;
    }

    private (StatusCode, string) StatusOf(Exception error, GrpcServerCall call) => error switch
    {
        RpcException rpc => (rpc.StatusCode, rpc.Message),
        _ when call.ClientGone => (StatusCode.Canceled, GrpcErrors.CanceledMessage),
        _ => options.MapException(error),
    };

    /// <summary>Watches and keep-alives idle for minutes and stream without bound: Kestrel's body limits would kill them.</summary>
    private static void AllowLongLivedBody(HttpContext context)
    {
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }
    }
}
