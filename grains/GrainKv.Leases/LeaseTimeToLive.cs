using Google.Protobuf;

namespace GrainKv.Leases;

/// <summary>
/// What LeaseTimeToLive reports: whole seconds left (truncated, 0 once the time is up and the revoke
/// is pending), the granted TTL, and the attached keys in key order.
/// </summary>
public sealed record LeaseTimeToLive(long Id, long RemainingSeconds, long GrantedTtlSeconds, IReadOnlyList<ByteString> Keys);
