using Google.Protobuf;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;

namespace GrainKv.Serialization;

/// <summary>
/// Hands Orleans a <see cref="ProtobufMessageCodec{TMessage}"/> and a <see cref="ProtobufMessageCopier{TMessage}"/>
/// for every generated protobuf message type, on first use of that type. Orleans consults it only for
/// types that have no codec of their own.
/// </summary>
public sealed class ProtobufMessageFamily : ISpecializableCodec, ISpecializableCopier, ITypeFilter
{
    /// <summary>A generated message class: implements <c>IMessage&lt;T&gt;</c> for itself.</summary>
    public static bool IsMessageType(Type type) =>
        type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
        && typeof(IMessage).IsAssignableFrom(type)
        && Array.Exists(type.GetInterfaces(), contract => contract.IsGenericType
            && contract.GetGenericTypeDefinition() == typeof(IMessage<>)
            && contract.GenericTypeArguments[0] == type);

    bool ISpecializableCodec.IsSupportedType(Type type) => IsMessageType(type);

    bool ISpecializableCopier.IsSupportedType(Type type) => IsMessageType(type);

    public IFieldCodec GetSpecializedCodec(Type type) =>
        (IFieldCodec)Activator.CreateInstance(typeof(ProtobufMessageCodec<>).MakeGenericType(type))!;

    public IDeepCopier GetSpecializedCopier(Type type) =>
        (IDeepCopier)Activator.CreateInstance(typeof(ProtobufMessageCopier<>).MakeGenericType(type))!;

    /// <summary>
    /// Lets message types named on the wire be resolved: a message passed where <c>object</c> or
    /// <c>IMessage</c> is declared, and <c>IMessage</c> itself inside a generic such as a grain method's
    /// <c>Response&lt;IMessage&gt;</c>. Safe to allow: decoding a protobuf message runs no code chosen by the sender.
    /// </summary>
    public bool? IsTypeAllowed(Type type) => type == typeof(IMessage) || IsMessageType(type) ? true : null;
}
