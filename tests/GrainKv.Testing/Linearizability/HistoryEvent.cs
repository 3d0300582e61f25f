namespace GrainKv.Testing.Linearizability;

/// <summary>
/// A call or a return in the time-ordered event list the search walks. The list is doubly linked
/// so a linearized operation's events can be unlinked and relinked in O(1) when backtracking.
/// </summary>
internal sealed class HistoryEvent(int operation, bool isCall)
{
    public int Operation { get; } = operation;
    public bool IsCall { get; } = isCall;
    public HistoryEvent? Match { get; set; }
    public HistoryEvent? Previous { get; set; }
    public HistoryEvent? Next { get; set; }

    public void Unlink()
    {
        Previous!.Next = Next;
        if (Next is not null) Next.Previous = Previous;
    }

    /// <summary>Undoes <see cref="Unlink"/>; relinking must happen in the reverse order of unlinking.</summary>
    public void Relink()
    {
        Previous!.Next = this;
        if (Next is not null) Next.Previous = this;
    }
}
