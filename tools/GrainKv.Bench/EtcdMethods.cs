namespace GrainKv.Bench;

/// <summary>The gRPC method paths of the etcd v3 API the benchmark calls.</summary>
public static class EtcdMethods
{
    public const string Put = "/etcdserverpb.KV/Put";
    public const string Range = "/etcdserverpb.KV/Range";
    public const string Watch = "/etcdserverpb.Watch/Watch";
    public const string LeaseGrant = "/etcdserverpb.Lease/LeaseGrant";
    public const string LeaseRevoke = "/etcdserverpb.Lease/LeaseRevoke";
    public const string LeaseKeepAlive = "/etcdserverpb.Lease/LeaseKeepAlive";
}
