namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>Runs tools/GrainKv.Admin as its own process: the built GrainKv.Admin.dll next to the tests.</summary>
public static class AdminTool
{
    public static Task<CommandLineTool.Result> RunAsync(params string[] arguments) =>
        CommandLineTool.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "GrainKv.Admin.dll"), .. arguments], TimeSpan.FromSeconds(60));
}
