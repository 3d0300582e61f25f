namespace GrainKv.Mvcc;

/// <summary>
/// A change's position in the store: <see cref="Main"/> is the store revision of its change set,
/// <see cref="Sub"/> its index inside that change set (etcd-api.md §3.1).
/// </summary>
public readonly record struct Revision(long Main, long Sub) : IComparable<Revision>
{
    public int CompareTo(Revision other)
    {
        var byMain = Main.CompareTo(other.Main);
        return byMain != 0 ? byMain : Sub.CompareTo(other.Sub);
    }

    public static bool operator <(Revision left, Revision right) => left.CompareTo(right) < 0;

    public static bool operator >(Revision left, Revision right) => left.CompareTo(right) > 0;
}
