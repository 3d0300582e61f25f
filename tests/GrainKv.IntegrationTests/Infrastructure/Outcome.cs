using Etcdserverpb;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// What one call returned, normalized for comparison between etcd and GrainKv: the response as
/// JSON with cluster_id, member_id and raft_term cleared, or the gRPC status code and message.
/// </summary>
public sealed record Outcome(string Text, IMessage? Response, RpcException? Error)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public static async Task<Outcome> OfAsync<T>(Func<Task<T>> call) where T : IMessage
    {
        try
        {
            var response = await call();
            return new Outcome(Json.Format(Normalize(response)), response, null);
        }
        catch (RpcException error)
        {
            return new Outcome($"error {error.StatusCode}: {error.Status.Detail}", null, error);
        }
    }

    public static IMessage Normalize(IMessage message)
    {
        var copy = message.Descriptor.Parser.ParseFrom(message.ToByteString());
        ClearIdentity(copy);
        return copy;
    }

    private static void ClearIdentity(IMessage message)
    {
        if (message is ResponseHeader header)
        {
            header.ClusterId = 0;
            header.MemberId = 0;
            header.RaftTerm = 0;
            return;
        }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IEnumerable)value) ClearIdentity((IMessage)item);
            }
            else if (value is IMessage child)
            {
                ClearIdentity(child);
            }
        }
    }
}
