using System.Reflection;

namespace GrainKv.Runtime;

/// <summary>
/// The object behind a grain interface handed out by <see cref="IGrainFactory"/>: each interface
/// method call becomes a <see cref="GrainCall"/> sent to the grain's activation.
/// </summary>
public class GrainReference : DispatchProxy
{
    private GrainInterface? _interface;
    private GrainCallRouter? _router;

    public GrainId GrainId { get; private set; }

    public override string ToString() => GrainId.ToString();

    internal void Bind(GrainId grainId, GrainInterface grainInterface, GrainCallRouter router)
    {
        GrainId = grainId;
        _interface = grainInterface;
        _router = router;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _interface!.GetMethod(targetMethod!).Call(_router!, GrainId, args ?? []);
}
