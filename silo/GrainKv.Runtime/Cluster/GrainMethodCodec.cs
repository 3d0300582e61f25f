using Google.Protobuf.Collections;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>How the arguments and the result of one grain method travel between silos.</summary>
internal sealed class GrainMethodCodec
{
    private readonly GrainValueCodec[] _parameters;
    private readonly GrainValueCodec _result;

    private GrainMethodCodec(GrainValueCodec[] parameters, GrainValueCodec result)
    {
        _parameters = parameters;
        _result = result;
    }

    /// <summary>The codec of <paramref name="method"/>; throws <see cref="NotSupportedException"/> if a type of it cannot travel.</summary>
    public static GrainMethodCodec Create(GrainMethod method)
    {
        var parameters = new GrainValueCodec[method.ParameterTypes.Count];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = GrainValueCodec.For(method.ParameterTypes[i]) ?? throw Unsupported(method, $"parameter {i}", method.ParameterTypes[i]);
        }
        var result = GrainValueCodec.For(method.ResultType) ?? throw Unsupported(method, "its result", method.ResultType);
        return new GrainMethodCodec(parameters, result);
    }

    public void EncodeArguments(object?[] arguments, RepeatedField<GrainValue> into)
    {
        for (var i = 0; i < _parameters.Length; i++) into.Add(_parameters[i].Encode(arguments[i]));
    }

    public object?[] DecodeArguments(RepeatedField<GrainValue> values)
    {
        if (values.Count != _parameters.Length)
        {
            throw new InvalidDataException($"The call carries {values.Count} arguments; the method takes {_parameters.Length}.");
        }
        var arguments = new object?[values.Count];
        for (var i = 0; i < arguments.Length; i++) arguments[i] = _parameters[i].Decode(values[i]);
        return arguments;
    }

    public GrainValue EncodeResult(object? result) => _result.Encode(result);

    public object? DecodeResult(GrainValue value) => _result.Decode(value);

    private static NotSupportedException Unsupported(GrainMethod method, string what, Type type) =>
        new($"Grain method {method} cannot be called on another silo: {what} has type {type}; " +
            $"calls between silos carry {GrainValueCodec.SupportedTypes}.");
}
