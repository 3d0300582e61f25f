namespace GrainKv.Runtime;

/// <summary>This silo's address, its generation taken from the clock at startup so that every restart gets a larger one.</summary>
internal sealed class LocalSiloDetails(GrainRuntimeOptions options, TimeProvider time) : ILocalSiloDetails
{
    private static readonly DateTimeOffset GenerationEpoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SiloAddress SiloAddress { get; } =
        new(options.SiloHost, options.SiloPort, checked((int)(time.GetUtcNow() - GenerationEpoch).TotalSeconds));
}
