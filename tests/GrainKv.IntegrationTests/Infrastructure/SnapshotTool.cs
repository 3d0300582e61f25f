namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>Runs tools/GrainKv.Snapshot as its own process: the built GrainKv.Snapshot.dll next to the tests.</summary>
public static class SnapshotTool
{
    public static Task<CommandLineTool.Result> RunAsync(params string[] arguments) =>
        CommandLineTool.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "GrainKv.Snapshot.dll"), .. arguments], TimeSpan.FromSeconds(60));
}
