using System.Reflection;

namespace GrainKv.Runtime;

/// <summary>
/// The object behind a grain interface handed out by <see cref="IGrainFactory"/>: each interface
/// method call becomes a <see cref="GrainCall"/> sent to the grain's activation.
/// </summary>
public class GrainReference : DispatchProxy
{
    private GrainInterface? _interface;
    private IGrainCallSender? _sender;

    public GrainId GrainId { get; private set; }

    public override string ToString() => GrainId.ToString();

    internal void Bind(GrainId grainId, GrainInterface grainInterface, IGrainCallSender sender)
    {
        GrainId = grainId;
        _interface = grainInterface;
        _sender = sender;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _interface!.GetMethod(targetMethod!).Call(_sender!, GrainId, args ?? []);
}
