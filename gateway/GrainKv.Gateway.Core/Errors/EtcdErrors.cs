using System.Diagnostics.CodeAnalysis;
using GrainKv.Gateway.Coordination;
using GrainKv.Shard;
using Grpc.Core;

namespace GrainKv.Gateway.Errors;

/// <summary>
/// The one table from GrainKv's typed errors to the gRPC status and exact message etcd 3.4 sends.
/// Clients match on the message text (Go clientv3, Node etcd3), so these strings are contract.
/// </summary>
public static class EtcdErrors
{
    public static (StatusCode Code, string Message) ToStatus(ShardError error) => error switch
    {
        ShardError.EmptyKey => (StatusCode.InvalidArgument, "etcdserver: key is not provided"),
        ShardError.KeyNotFound => (StatusCode.InvalidArgument, "etcdserver: key not found"),
        ShardError.ValueProvided => (StatusCode.InvalidArgument, "etcdserver: value is provided"),
        ShardError.LeaseProvided => (StatusCode.InvalidArgument, "etcdserver: lease is provided"),
        ShardError.TooManyOps => (StatusCode.InvalidArgument, "etcdserver: too many operations in txn request"),
        ShardError.DuplicateKey => (StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request"),
        ShardError.Compacted => (StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted"),
        ShardError.FutureRevision => (StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision"),
        ShardError.LeaseNotFound => (StatusCode.NotFound, "etcdserver: requested lease not found"),
        ShardError.RequestTooLarge => (StatusCode.InvalidArgument, "etcdserver: request is too large"),
        ShardError.NoSpace => (StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"),
        ShardError.Corrupt => (StatusCode.DataLoss, "etcdserver: corrupt cluster"),
        ShardError.Timeout => (StatusCode.Unavailable, "etcdserver: request timed out"),
        ShardError.NoLeader => (StatusCode.Unavailable, "etcdserver: no leader"),
        ShardError.NotLeader => (StatusCode.FailedPrecondition, "etcdserver: not leader"),
        // A write stamped too late is retried by the front door; past its retries, nothing was written, as after a leader change.
        ShardError.LeaderChanged or ShardError.StaleRevision => (StatusCode.Unavailable, "etcdserver: leader changed"),
        ShardError.Stopped => (StatusCode.Unavailable, "etcdserver: server stopped"),
        ShardError.BadLeaderTransferee => (StatusCode.FailedPrecondition, "etcdserver: bad leader transferee"),
        ShardError.LeaseExists => (StatusCode.FailedPrecondition, "etcdserver: lease already exists"),
        ShardError.LeaseTtlTooLarge => (StatusCode.OutOfRange, "etcdserver: too large lease TTL"),
        _ => (StatusCode.Internal, $"grainkv: unexpected shard error {error}"),
    };

    /// <summary>
    /// etcd's Lock and Election servers return plain Go errors, which its gRPC server sends as Unknown
    /// with the text (verified against etcd 3.4).
    /// </summary>
    public static (StatusCode Code, string Message) ToStatus(CoordinationError error) => error switch
    {
        CoordinationError.MissingLeaderKey => (StatusCode.Unknown, "\"leader\" field must be provided"),
        CoordinationError.NotLeader => (StatusCode.Unknown, "election: not leader"),
        CoordinationError.NoLeader => (StatusCode.Unknown, "election: no leader"),
        _ => (StatusCode.Internal, $"grainkv: unexpected coordination error {error}"),
    };

    /// <summary>
    /// An error of a KV, Lease or Watch call made by the Lock or Election service. etcd makes those calls
    /// through an in-process clientv3, which turns every error it knows (all "etcdserver: ..." texts)
    /// into a Go error without a gRPC status, so the caller gets Unknown with the same text (verified
    /// against etcd 3.4: an unknown lease, an empty key). Other statuses pass through.
    /// </summary>
    public static RpcException AsEmbeddedClientError(RpcException error) =>
        error.Status.Detail.StartsWith("etcdserver: ", StringComparison.Ordinal) ? new RpcException(new Status(StatusCode.Unknown, error.Status.Detail)) : error;

    /// <summary>
    /// Exceptions are bugs or broken infrastructure. A dead silo, a storage outage or a shutdown is
    /// transient for the client (Unavailable, which etcd clients retry for reads); anything else is Internal.
    /// </summary>
    public static (StatusCode Code, string Message) ToStatus(Exception exception) => exception switch
    {
        RpcException rpc => (rpc.StatusCode, rpc.Status.Detail),
        TimeoutException => ToStatus(ShardError.Timeout),
        Runtime.Cluster.SiloUnreachableException => ToStatus(ShardError.NoLeader),
        OperationCanceledException => (StatusCode.Cancelled, "context canceled"),
        ObjectDisposedException => ToStatus(ShardError.Stopped),
        IOException or System.Data.Common.DbException => (StatusCode.Unavailable, "etcdserver: " + exception.Message),
        _ => (StatusCode.Internal, exception.Message),
    };

    [DoesNotReturn]
    public static void Throw(ShardError error)
    {
        var (code, message) = ToStatus(error);
        throw new RpcException(new Status(code, message));
    }

    [DoesNotReturn]
    public static void Throw(CoordinationError error)
    {
        var (code, message) = ToStatus(error);
        throw new RpcException(new Status(code, message));
    }
}
