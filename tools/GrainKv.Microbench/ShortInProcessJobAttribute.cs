using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace GrainKv.Microbench;

/// <summary>
/// BenchmarkDotNet's short run (3 warm-up and 3 measured iterations), inside this process. The default
/// out-of-process toolchain rebuilds the project tree into the shared bin/obj folders, which races with other
/// builds of the checkout and cannot find the project at all when built with --artifacts-path.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortInProcessJobAttribute() : JobConfigBaseAttribute(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"));
