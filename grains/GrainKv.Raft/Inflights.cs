namespace GrainKv.Raft;

/// <summary>
/// The last entry index of each append message sent to one follower and not yet acknowledged:
/// the bounded window that lets a leader pipeline appends without flooding a slow follower.
/// </summary>
internal sealed class Inflights(int capacity)
{
    private readonly Queue<ulong> _lastIndexes = new();

    public int Count => _lastIndexes.Count;

    public bool IsFull => _lastIndexes.Count >= capacity;

    public void Add(ulong lastIndex)
    {
        Invariant.Check(!IsFull, "an append was sent with the in-flight window full");
        _lastIndexes.Enqueue(lastIndex);
    }

    /// <summary>The follower has everything through <paramref name="index"/>: those messages have landed.</summary>
    public void FreeThrough(ulong index)
    {
        while (_lastIndexes.Count > 0 && _lastIndexes.Peek() <= index) _lastIndexes.Dequeue();
    }

    public void Clear() => _lastIndexes.Clear();
}
