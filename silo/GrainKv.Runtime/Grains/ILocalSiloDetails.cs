namespace GrainKv.Runtime;

/// <summary>The identity of this silo.</summary>
public interface ILocalSiloDetails
{
    SiloAddress SiloAddress { get; }
}
