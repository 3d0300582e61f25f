using System.Globalization;
using GrainKv.Grains;
using GrainKv.Runtime;
using GrainKv.Runtime.Client;

namespace GrainKv.Client;

/// <summary>
/// Where GrainKv's grains live, seen from a cluster client: a replica grain on its member's silo (when <c>siloOfMember</c> can name it; a replica must never be
/// activated anywhere else), every other grain on any live silo.
/// </summary>
public class GrainKvPlacement(Func<ulong, string?>? siloOfMember = null) : IClientGrainPlacement
{
    private static readonly string ReplicaGrainType = ClusterClient.GrainTypeOf<IReplicaGrain>();

    public string? PinnedSilo(GrainId grain)
    {
        if (grain.Type != ReplicaGrainType) return null;
        var replicaId = ReplicaKey.Parse(grain.Key).ReplicaId;
        return (siloOfMember ?? throw new NotSupportedException($"This client cannot place replica grain {grain}: it does not know the members' ids."))
            .Invoke(replicaId)
            ?? throw new InvalidOperationException($"Replica grain {grain} belongs to member {replicaId.ToString("x16", CultureInfo.InvariantCulture)}, which is no silo known here.");
    }

    public virtual string? PreferredSilo(GrainId grain) => null;
}
