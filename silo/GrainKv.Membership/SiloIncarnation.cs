using System.Globalization;

namespace GrainKv.Membership;

/// <summary>
/// One start of a named silo: the key of its membership row. A restart gets a larger generation, so the
/// incarnation it replaces can be told apart and declared dead.
/// </summary>
public readonly record struct SiloIncarnation(string Name, int Generation)
{
    /// <summary>"name@generation".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}@{Generation}");
}
