using System.Linq.Expressions;
using System.Reflection;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime;

/// <summary>
/// One method of a grain interface, with a compiled delegate that calls it on a grain object so
/// that a call costs no reflection.
/// </summary>
internal abstract class GrainMethod
{
    private readonly MethodInfo _method;
    private GrainMethodCodec? _codec;

    protected GrainMethod(GrainInterface grainInterface, MethodInfo method, int methodId, GrainMethodReturn returns, Type resultType)
    {
        _method = method;
        Interface = grainInterface;
        MethodId = methodId;
        Returns = returns;
        ParameterTypes = Array.ConvertAll(method.GetParameters(), p => p.ParameterType);
        ResultType = resultType;
        Interleaves = grainInterface.IsReentrant || method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);
    }

    public GrainInterface Interface { get; }

    /// <summary>The method's number within <see cref="Interface"/>: with the grain id and the arguments, what a call to another silo carries.</summary>
    public int MethodId { get; }

    public GrainMethodReturn Returns { get; }

    public IReadOnlyList<Type> ParameterTypes { get; }

    /// <summary>What a call completes with: the T of Task&lt;T&gt; or ValueTask&lt;T&gt;, else <see cref="VoidResult"/>.</summary>
    public Type ResultType { get; }

    /// <summary>How calls of it travel to another silo, made on the first such call; throws <see cref="NotSupportedException"/> if they cannot.</summary>
    public GrainMethodCodec Codec => _codec ??= GrainMethodCodec.Create(this);

    /// <summary>Calls of it may run while other calls on the activation wait at an await.</summary>
    public bool Interleaves { get; }

    /// <summary>Sends a call of this method to <paramref name="target"/>; returns what the interface method declares.</summary>
    public abstract object Call(IGrainCallSender sender, GrainId target, object?[] arguments);

    /// <summary>Runs a call that another silo sent here on this silo's activation of <paramref name="target"/>.</summary>
    public abstract Task<object?> CallHere(GrainCatalog catalog, GrainId target, object?[] arguments);

    public override string ToString() => $"{Interface.Type.FullName}.{_method.Name}";

    public static GrainMethod Create(GrainInterface grainInterface, MethodInfo method, int methodId)
    {
        if (method.IsGenericMethodDefinition)
        {
            throw new NotSupportedException($"Grain method {method} is generic; grain methods are not.");
        }
        var parameters = method.GetParameters();
        if (parameters.Any(p => p.ParameterType.IsByRef))
        {
            throw new NotSupportedException($"Grain method {method} has a ref, in or out parameter; grain methods take values.");
        }

        var (returns, resultType) = Classify(method);
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        Expression invocation = Expression.Call(
            Expression.Convert(grain, method.DeclaringType!),
            method,
            parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)));
        invocation = returns switch
        {
            GrainMethodReturn.Task => Expression.Call(typeof(GrainMethodResults).GetMethod(nameof(GrainMethodResults.FromTask))!, invocation),
            GrainMethodReturn.ValueTask => Expression.Call(typeof(GrainMethodResults).GetMethod(nameof(GrainMethodResults.FromValueTask))!, invocation),
            GrainMethodReturn.TaskOfResult => Expression.New(typeof(ValueTask<>).MakeGenericType(resultType).GetConstructor([method.ReturnType])!, invocation),
            _ => invocation,
        };
        var delegateType = typeof(Func<,,>).MakeGenericType(typeof(object), typeof(object?[]), typeof(ValueTask<>).MakeGenericType(resultType));
        var invoke = Expression.Lambda(delegateType, invocation, grain, arguments).Compile();
        return (GrainMethod)Activator.CreateInstance(
            typeof(GrainMethod<>).MakeGenericType(resultType), grainInterface, method, methodId, returns, invoke)!;
    }

    private static (GrainMethodReturn Returns, Type ResultType) Classify(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(Task)) return (GrainMethodReturn.Task, typeof(VoidResult));
        if (type == typeof(ValueTask)) return (GrainMethodReturn.ValueTask, typeof(VoidResult));
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>)) return (GrainMethodReturn.TaskOfResult, type.GetGenericArguments()[0]);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)) return (GrainMethodReturn.ValueTaskOfResult, type.GetGenericArguments()[0]);
        throw new NotSupportedException($"Grain method {method} returns {type}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>.");
    }
}

/// <summary>A grain method whose call completes with a <typeparamref name="TResult"/>.</summary>
internal sealed class GrainMethod<TResult> : GrainMethod
{
    private readonly Func<object, object?[], ValueTask<TResult>> _invoke;

    public GrainMethod(GrainInterface grainInterface, MethodInfo method, int methodId, GrainMethodReturn returns,
        Func<object, object?[], ValueTask<TResult>> invoke)
        : base(grainInterface, method, methodId, returns, typeof(TResult))
    {
        _invoke = invoke;
    }

    /// <summary>Runs the method on the grain object; a synchronous throw surfaces here, not in the returned task.</summary>
    public ValueTask<TResult> Invoke(object grain, object?[] arguments) => _invoke(grain, arguments);

    public override object Call(IGrainCallSender sender, GrainId target, object?[] arguments)
    {
        var call = new GrainCall<TResult>(target, this, arguments);
        sender.Send(call);
        return Returns switch
        {
            GrainMethodReturn.ValueTask => new ValueTask(call.Completion),
            GrainMethodReturn.ValueTaskOfResult => new ValueTask<TResult>(call.Completion),
            _ => call.Completion,
        };
    }

    public override async Task<object?> CallHere(GrainCatalog catalog, GrainId target, object?[] arguments)
    {
        var call = new GrainCall<TResult>(target, this, arguments);
        catalog.Dispatch(call);
        return await call.Completion.ConfigureAwait(false);
    }
}
