using System.Diagnostics.CodeAnalysis;
using GrainKv.Runtime.Grpc;
using GrainKv.Shard;

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
        ShardError.Timeout => (StatusCode.Unavailable, "etcdserver: request timed out"),
        ShardError.NoLeader => (StatusCode.Unavailable, "etcdserver: no leader"),
        ShardError.NotLeader => (StatusCode.FailedPrecondition, "etcdserver: not leader"),
        ShardError.LeaderChanged => (StatusCode.Unavailable, "etcdserver: leader changed"),
        ShardError.Stopped => (StatusCode.Unavailable, "etcdserver: server stopped"),
        ShardError.BadLeaderTransferee => (StatusCode.FailedPrecondition, "etcdserver: bad leader transferee"),
        ShardError.LeaseExists => (StatusCode.FailedPrecondition, "etcdserver: lease already exists"),
        ShardError.LeaseTtlTooLarge => (StatusCode.OutOfRange, "etcdserver: too large lease TTL"),
        _ => (StatusCode.Internal, $"grainkv: unexpected shard error {error}"),
    };

    /// <summary>
    /// Exceptions are bugs or broken infrastructure. A dead silo, a storage outage or a shutdown is
    /// transient for the client (Unavailable, which etcd clients retry for reads); anything else is Internal.
    /// </summary>
    public static (StatusCode Code, string Message) ToStatus(Exception exception) => exception switch
    {
        RpcException rpc => (rpc.StatusCode, rpc.Message),
        TimeoutException => ToStatus(ShardError.Timeout),
        Runtime.Cluster.SiloUnreachableException => ToStatus(ShardError.NoLeader),
        OperationCanceledException => (StatusCode.Canceled, "context canceled"),
        ObjectDisposedException => ToStatus(ShardError.Stopped),
        IOException or System.Data.Common.DbException => (StatusCode.Unavailable, "etcdserver: " + exception.Message),
        _ => (StatusCode.Internal, exception.Message),
    };

    [DoesNotReturn]
    public static void Throw(ShardError error)
    {
        var (code, message) = ToStatus(error);
        throw new RpcException(code, message);
    }
}
