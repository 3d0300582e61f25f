namespace GrainKv.Orleans.Tests.Placement;

[Alias("grainkv.tests.IPinnedProbeGrain")]
public interface IPinnedProbeGrain : IGrainWithStringKey
{
    [Alias("SiloName")] Task<string> SiloName();

    /// <summary>Calls the probe <paramref name="key"/> from this grain's silo.</summary>
    [Alias("SiloNameOfProbe")] Task<string> SiloNameOfProbe(string key);

    /// <summary>Calls the <see cref="IPreferLocalCheckedGrain"/> <paramref name="key"/> from this grain's silo.</summary>
    [Alias("SiloNameOfPreferLocal")] Task<string> SiloNameOfPreferLocal(string key);
}
