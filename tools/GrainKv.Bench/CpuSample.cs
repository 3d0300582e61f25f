namespace GrainKv.Bench;

/// <summary>A process's total CPU time, read at a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
public readonly record struct CpuSample(TimeSpan Cpu, long Timestamp);
