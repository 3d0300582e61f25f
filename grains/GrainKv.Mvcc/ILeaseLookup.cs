namespace GrainKv.Mvcc;

/// <summary>What the MVCC store needs from the lease table: whether a lease a put names exists.</summary>
public interface ILeaseLookup
{
    bool Exists(long leaseId);
}

/// <summary>The lease table of a store without leases: every non-zero lease is unknown.</summary>
public sealed class NoLeases : ILeaseLookup
{
    public static readonly NoLeases Instance = new();

    private NoLeases()
    {
    }

    public bool Exists(long leaseId) => false;
}
