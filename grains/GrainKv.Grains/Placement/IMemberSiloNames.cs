namespace GrainKv.Grains.Placement;

/// <summary>
/// Names the silo a pinned grain belongs to: the <c>SiloOptions.SiloName</c> of its member's silo
/// (GrainKv uses the etcd member name). The host registers the implementation.
/// </summary>
public interface IMemberSiloNames
{
    string SiloNameOf(GrainId grainId);
}
