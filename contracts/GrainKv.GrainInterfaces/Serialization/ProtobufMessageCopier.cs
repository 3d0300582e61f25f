using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Orleans.Serialization.Cloning;

namespace GrainKv.Serialization;

/// <summary>
/// Copies a protobuf message for a call within one silo, so caller and callee never share a mutable
/// message. <c>Clone()</c> is protobuf's own deep copy.
/// </summary>
public sealed class ProtobufMessageCopier<TMessage> : IDeepCopier<TMessage>
    where TMessage : class, IMessage<TMessage>
{
    [return: NotNullIfNotNull(nameof(input))]
    public TMessage? DeepCopy(TMessage? input, CopyContext context)
    {
        if (input is null)
        {
            return null;
        }

        if (context.TryGetCopy(input, out TMessage? recorded))
        {
            return recorded!;
        }

        var copy = input.Clone();
        context.RecordCopy(input, copy);
        return copy;
    }
}
