using System.Reflection;
using Google.Protobuf;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// Turns the values of one declared type into <see cref="GrainValue"/> and back: what a grain call to
/// another silo can carry. Protobuf messages, string, long, ulong, int and bool; nothing else.
/// </summary>
internal sealed class GrainValueCodec
{
    public const string SupportedTypes = "protobuf messages, string, long, ulong, int and bool";

    private static readonly GrainValueCodec StringCodec = new(
        typeof(string), GrainValue.ValueOneofCase.StringValue, v => new GrainValue { StringValue = (string)v }, v => v.StringValue);
    private static readonly GrainValueCodec Int64Codec = new(
        typeof(long), GrainValue.ValueOneofCase.Int64Value, v => new GrainValue { Int64Value = (long)v }, v => v.Int64Value);
    private static readonly GrainValueCodec UInt64Codec = new(
        typeof(ulong), GrainValue.ValueOneofCase.Uint64Value, v => new GrainValue { Uint64Value = (ulong)v }, v => v.Uint64Value);
    private static readonly GrainValueCodec Int32Codec = new(
        typeof(int), GrainValue.ValueOneofCase.Int32Value, v => new GrainValue { Int32Value = (int)v }, v => v.Int32Value);
    private static readonly GrainValueCodec BoolCodec = new(
        typeof(bool), GrainValue.ValueOneofCase.BoolValue, v => new GrainValue { BoolValue = (bool)v }, v => v.BoolValue);

    // A method returning Task or ValueTask completes with VoidResult, which travels as "no value".
    private static readonly GrainValueCodec VoidCodec = new(
        typeof(VoidResult), GrainValue.ValueOneofCase.None, _ => new GrainValue(), _ => default(VoidResult));

    private readonly Type _type;
    private readonly GrainValue.ValueOneofCase _case;
    private readonly Func<object, GrainValue> _encode;
    private readonly Func<GrainValue, object> _decode;

    private GrainValueCodec(Type type, GrainValue.ValueOneofCase valueCase, Func<object, GrainValue> encode, Func<GrainValue, object> decode)
    {
        _type = type;
        _case = valueCase;
        _encode = encode;
        _decode = decode;
    }

    /// <summary>The codec of <paramref name="type"/>, or null when a remote call cannot carry it.</summary>
    public static GrainValueCodec? For(Type type)
    {
        if (type == typeof(string)) return StringCodec;
        if (type == typeof(long)) return Int64Codec;
        if (type == typeof(ulong)) return UInt64Codec;
        if (type == typeof(int)) return Int32Codec;
        if (type == typeof(bool)) return BoolCodec;
        if (type == typeof(VoidResult)) return VoidCodec;
        if (typeof(IMessage).IsAssignableFrom(type)
            && type.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageParser parser)
        {
            return new GrainValueCodec(type, GrainValue.ValueOneofCase.Message,
                v => new GrainValue { Message = ((IMessage)v).ToByteString() }, v => parser.ParseFrom(v.Message));
        }
        return null;
    }

    public GrainValue Encode(object? value) => value is null || _case == GrainValue.ValueOneofCase.None ? new GrainValue() : _encode(value);

    public object? Decode(GrainValue value)
    {
        if (value.ValueCase == _case) return _decode(value);
        if (value.ValueCase == GrainValue.ValueOneofCase.None && !_type.IsValueType) return null;
        throw new InvalidDataException($"A grain value of type {_type} arrived as {value.ValueCase}.");
    }
}
