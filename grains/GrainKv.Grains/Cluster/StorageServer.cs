namespace GrainKv.Grains.Cluster;

/// <summary>
/// The server holding this silo's Raft logs: PostgreSQL's system identifier, which is the same for every database of
/// one server however it is addressed; null when the logs are in a file of the silo's own (SQLite).
/// </summary>
public sealed record StorageServer(string? Identity);
