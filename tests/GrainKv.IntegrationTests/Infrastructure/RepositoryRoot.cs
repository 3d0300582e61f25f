using System.Reflection;

namespace GrainKv.IntegrationTests.Infrastructure;

public static class RepositoryRoot
{
    /// <summary>The checkout the tests were built from (recorded at build time, as the binaries may be built elsewhere).</summary>
    public static string Path { get; } = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;
}
