namespace GrainKv.Membership;

/// <summary>One report of the cluster the silos were bootstrapped into, and the live silos that made it.</summary>
/// <param name="Bootstrap">The report, in the silos' own text form (<see cref="SiloRegistration.Bootstrap"/>).</param>
/// <param name="Silos">The incarnations reporting it, ordered by name.</param>
public sealed record BootstrapReport(string Bootstrap, IReadOnlyList<SiloIncarnation> Silos);
