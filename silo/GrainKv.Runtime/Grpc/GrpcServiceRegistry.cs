using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The methods a gRPC server answers, by full path "/package.Service/Method". Fill it at startup, before the
/// server takes calls; lookups are then read-only and need no lock.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, GrpcMethodHandler> _methods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    /// <summary>Every registered path, implemented or not.</summary>
    public IReadOnlyCollection<string> Paths => _methods.Keys;

    public void AddUnary<TRequest, TResponse>(string path, MessageParser<TRequest> parser,
        Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage =>
        Add(path, new UnaryMethodHandler<TRequest, TResponse>(parser, handler));

    public void AddServerStreaming<TRequest, TResponse>(string path, MessageParser<TRequest> parser,
        Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage =>
        Add(path, new ServerStreamingMethodHandler<TRequest, TResponse>(parser, handler));

    public void AddClientStreaming<TRequest, TResponse>(string path, MessageParser<TRequest> parser,
        Func<IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage =>
        Add(path, new ClientStreamingMethodHandler<TRequest, TResponse>(parser, handler));

    public void AddDuplexStreaming<TRequest, TResponse>(string path, MessageParser<TRequest> parser,
        Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage =>
        Add(path, new DuplexStreamingMethodHandler<TRequest, TResponse>(parser, handler));

    /// <summary>
    /// Declares every method of <paramref name="services"/> (e.g. <c>Etcdserverpb.RpcReflection.Descriptor.Services</c>)
    /// as Unimplemented with a clear message, so each exists on the wire. Real handlers, registered before or
    /// after, take precedence.
    /// </summary>
    public void AddUnimplemented(IEnumerable<ServiceDescriptor> services)
    {
        foreach (ServiceDescriptor service in services)
        {
            foreach (MethodDescriptor method in service.Methods)
            {
                string path = $"/{service.FullName}/{method.Name}";
                if (!_methods.ContainsKey(path))
                {
                    _services.Add(service.FullName);
                    _methods.Add(path, new UnimplementedMethodHandler(path));
                }
            }
        }
    }

    internal GrpcMethodHandler? Find(string path) => _methods.GetValueOrDefault(path);

    /// <summary>grpc-go's error for a path with no method: malformed, unknown service, or unknown method.</summary>
    internal RpcException NotFoundError(string path)
    {
        string name = path.StartsWith('/') ? path[1..] : path;
        int slash = name.LastIndexOf('/');
        if (slash < 0)
        {
            return GrpcErrors.MalformedMethodName(path);
        }

        string service = name[..slash];
        return _services.Contains(service) ? GrpcErrors.UnknownMethod(service, name[(slash + 1)..]) : GrpcErrors.UnknownService(service);
    }

    private void Add(string path, GrpcMethodHandler handler)
    {
        string service = ServiceOf(path);
        if (_methods.TryGetValue(path, out var existing) && existing.IsImplemented)
        {
            throw new InvalidOperationException($"a handler for {path} is already registered");
        }

        _services.Add(service);
        _methods[path] = handler;
    }

    private static string ServiceOf(string path)
    {
        int slash = path.LastIndexOf('/');
        if (!path.StartsWith('/') || slash <= 1 || slash == path.Length - 1)
        {
            throw new ArgumentException($"'{path}' is not a method path of the form /package.Service/Method", nameof(path));
        }

        return path[1..slash];
    }
}
