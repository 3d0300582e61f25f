namespace GrainKv.Gateway.Coordination;

/// <summary>The Lock and Election services' own failures; <see cref="Errors.EtcdErrors"/> gives their wire form.</summary>
public enum CoordinationError
{
    /// <summary>Proclaim or Resign without a <c>leader</c>.</summary>
    MissingLeaderKey,

    /// <summary>Proclaim by a key that no longer leads: it was deleted or recreated since it was elected.</summary>
    NotLeader,

    /// <summary>Leader of an election nobody campaigns in.</summary>
    NoLeader,
}
