namespace GrainKv.Orleans.Tests.Placement;

[Alias("grainkv.tests.IPreferLocalCheckedGrain")]
public interface IPreferLocalCheckedGrain : IGrainWithStringKey
{
    [Alias("SiloName")] Task<string> SiloName();
}
