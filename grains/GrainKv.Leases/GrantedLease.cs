namespace GrainKv.Leases;

/// <summary>A lease as granted: its id and its TTL after raising it to the minimum.</summary>
public sealed record GrantedLease(long Id, long TtlSeconds);
