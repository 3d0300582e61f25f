using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>One etcd and one GrainKv shared by every differential test class; the classes run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DifferentialCollection : ICollectionFixture<DifferentialFixture>
{
    public const string Name = "etcd and GrainKv side by side";
}
