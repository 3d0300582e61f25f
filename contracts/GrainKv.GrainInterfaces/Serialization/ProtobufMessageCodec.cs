using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace GrainKv.Serialization;

/// <summary>
/// Writes a protobuf message as one length-prefixed field holding its protobuf encoding. The message type
/// travels in Orleans' field header, and only when it differs from the declared type (a parameter typed
/// <c>object</c> or <c>IMessage</c>); a parameter declared as the message type costs no type name.
/// </summary>
public sealed class ProtobufMessageCodec<TMessage> : IFieldCodec<TMessage>
    where TMessage : class, IMessage<TMessage>
{
    /// <summary>
    /// Messages up to this size are encoded straight into the writer's buffer; larger ones (snapshot chunks)
    /// go through a pooled array so the writer is never asked for one large contiguous span.
    /// </summary>
    private const int ContiguousBytesMax = 4096;

    private static readonly MessageParser<TMessage> Parser = ParserOf();

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, [AllowNull] Type expectedType, [AllowNull] TMessage value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value))
        {
            return;
        }

        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(TMessage), WireType.LengthPrefixed);
        var length = value.CalculateSize();
        writer.WriteVarUInt32((uint)length);
        if (length <= ContiguousBytesMax)
        {
            writer.EnsureContiguous(length);
            value.WriteTo(writer.WritableSpan[..length]);
            writer.AdvanceSpan(length);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            value.WriteTo(buffer.AsSpan(0, length));
            writer.Write(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [return: MaybeNull]
    public TMessage ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.IsReference)
        {
            return ReferenceCodec.ReadReference<TMessage, TInput>(ref reader, field);
        }

        field.EnsureWireType(WireType.LengthPrefixed);
        var length = (int)reader.ReadVarUInt32();
        var message = reader.TryReadBytes(length, out var bytes) ? Parser.ParseFrom(bytes) : ParseCopied(ref reader, length);
        ReferenceCodec.RecordObject(reader.Session, message);
        return message;
    }

    private static TMessage ParseCopied<TInput>(ref Reader<TInput> reader, int length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            reader.ReadBytes(buffer.AsSpan(0, length));
            return Parser.ParseFrom(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static MessageParser<TMessage> ParserOf() =>
        typeof(TMessage).GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageParser<TMessage>
        ?? throw new InvalidOperationException($"{typeof(TMessage)} has no static MessageParser<{typeof(TMessage).Name}> Parser property.");
}
