namespace GrainKv.Snapshot;

/// <summary>A snapshot, a flag or a restore target the tool refuses; its message says which and why.</summary>
public sealed class SnapshotRefusedException(string message) : Exception(message);
