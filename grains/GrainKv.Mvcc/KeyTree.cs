using Google.Protobuf;

namespace GrainKv.Mvcc;

/// <summary>
/// An ordered map from keys (unsigned byte order) to values: a B+tree with O(log n) lookup, insert and
/// removal, and range scans that walk linked leaves. Nodes are never merged when they shrink; a node
/// that becomes empty is unlinked, so the height stays bounded by the largest size the tree ever had.
/// </summary>
internal sealed class KeyTree<TValue> where TValue : class
{
    private const int MaxEntries = 64;

    private Node _root = new Leaf();

    public int Count { get; private set; }

    public TValue? Find(ReadOnlySpan<byte> key)
    {
        var leaf = FindLeaf(key);
        var index = leaf.LowerBound(key);
        return index < leaf.Count && leaf.Keys[index].Span.SequenceEqual(key) ? leaf.Values[index] : null;
    }

    /// <summary>Adds a key that is not in the tree yet.</summary>
    public void Add(ByteString key, TValue value)
    {
        var split = Insert(_root, key, value);
        if (split is { } s)
        {
            var root = new Inner();
            root.Children[0] = _root;
            root.Children[1] = s.Right;
            root.Keys[0] = s.Separator;
            root.Count = 2;
            _root = root;
        }
        Count++;
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        if (!Remove(_root, key))
        {
            return false;
        }
        while (_root is Inner { Count: 1 } inner)
        {
            _root = inner.Children[0];
        }
        if (_root is Inner { Count: 0 })
        {
            _root = new Leaf();
        }
        Count--;
        return true;
    }

    /// <summary>A cursor at the first key ≥ <paramref name="key"/>; an empty key starts at the first entry.</summary>
    public Cursor Seek(ReadOnlySpan<byte> key)
    {
        var leaf = FindLeaf(key);
        var cursor = new Cursor(leaf, leaf.LowerBound(key));
        cursor.SkipExhaustedLeaves();
        return cursor;
    }

    private Leaf FindLeaf(ReadOnlySpan<byte> key)
    {
        var node = _root;
        while (node is Inner inner)
        {
            node = inner.Children[inner.ChildIndex(key)];
        }
        return (Leaf)node;
    }

    private static Split? Insert(Node node, ByteString key, TValue value)
    {
        if (node is Leaf leaf)
        {
            return leaf.Insert(leaf.LowerBound(key.Span), key, value);
        }
        var inner = (Inner)node;
        var childIndex = inner.ChildIndex(key.Span);
        return Insert(inner.Children[childIndex], key, value) is { } childSplit
            ? inner.Insert(childIndex + 1, childSplit.Separator, childSplit.Right)
            : null;
    }

    /// <returns>Whether the key was found and removed.</returns>
    private static bool Remove(Node node, ReadOnlySpan<byte> key)
    {
        if (node is Leaf leaf)
        {
            var index = leaf.LowerBound(key);
            if (index >= leaf.Count || !leaf.Keys[index].Span.SequenceEqual(key))
            {
                return false;
            }
            leaf.RemoveAt(index);
            return true;
        }
        var inner = (Inner)node;
        var childIndex = inner.ChildIndex(key);
        var child = inner.Children[childIndex];
        if (!Remove(child, key))
        {
            return false;
        }
        if (child.Count == 0)
        {
            if (child is Leaf emptyLeaf)
            {
                emptyLeaf.Unlink();
            }
            inner.RemoveChildAt(childIndex);
        }
        return true;
    }

    internal readonly record struct Split(ByteString Separator, Node Right);

    internal abstract class Node
    {
        public int Count;
    }

    internal sealed class Leaf : Node
    {
        public readonly ByteString[] Keys = new ByteString[MaxEntries];
        public readonly TValue[] Values = new TValue[MaxEntries];
        public Leaf? Next;
        public Leaf? Previous;

        public int LowerBound(ReadOnlySpan<byte> key)
        {
            int low = 0, high = Count;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (Keys[mid].Span.SequenceCompareTo(key) < 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }
            return low;
        }

        public Split? Insert(int index, ByteString key, TValue value)
        {
            if (Count < MaxEntries)
            {
                Array.Copy(Keys, index, Keys, index + 1, Count - index);
                Array.Copy(Values, index, Values, index + 1, Count - index);
                Keys[index] = key;
                Values[index] = value;
                Count++;
                return null;
            }
            var right = new Leaf();
            var half = MaxEntries / 2;
            Array.Copy(Keys, half, right.Keys, 0, MaxEntries - half);
            Array.Copy(Values, half, right.Values, 0, MaxEntries - half);
            Array.Clear(Keys, half, MaxEntries - half);
            Array.Clear(Values, half, MaxEntries - half);
            right.Count = MaxEntries - half;
            Count = half;
            right.Next = Next;
            right.Previous = this;
            if (Next is not null)
            {
                Next.Previous = right;
            }
            Next = right;
            _ = index <= half ? Insert(index, key, value) : right.Insert(index - half, key, value);
            return new Split(right.Keys[0], right);
        }

        public void RemoveAt(int index)
        {
            Count--;
            Array.Copy(Keys, index + 1, Keys, index, Count - index);
            Array.Copy(Values, index + 1, Values, index, Count - index);
            Keys[Count] = null!;
            Values[Count] = null!;
        }

        public void Unlink()
        {
            if (Previous is not null)
            {
                Previous.Next = Next;
            }
            if (Next is not null)
            {
                Next.Previous = Previous;
            }
            Next = Previous = null;
        }
    }

    /// <summary>Children[i + 1] holds only keys ≥ Keys[i]; Children[i] only keys &lt; Keys[i].</summary>
    internal sealed class Inner : Node
    {
        public readonly ByteString[] Keys = new ByteString[MaxEntries - 1];
        public readonly Node[] Children = new Node[MaxEntries];

        public int ChildIndex(ReadOnlySpan<byte> key)
        {
            int low = 0, high = Count - 1;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (Keys[mid].Span.SequenceCompareTo(key) <= 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }
            return low;
        }

        public Split? Insert(int childIndex, ByteString separator, Node child)
        {
            if (Count < MaxEntries)
            {
                Array.Copy(Children, childIndex, Children, childIndex + 1, Count - childIndex);
                Array.Copy(Keys, childIndex - 1, Keys, childIndex, Count - childIndex);
                Children[childIndex] = child;
                Keys[childIndex - 1] = separator;
                Count++;
                return null;
            }
            var right = new Inner();
            var half = MaxEntries / 2;
            var promoted = Keys[half - 1];
            Array.Copy(Children, half, right.Children, 0, MaxEntries - half);
            Array.Copy(Keys, half, right.Keys, 0, MaxEntries - half - 1);
            Array.Clear(Children, half, MaxEntries - half);
            Array.Clear(Keys, half - 1, MaxEntries - half);
            right.Count = MaxEntries - half;
            Count = half;
            _ = childIndex <= half ? Insert(childIndex, separator, child) : right.Insert(childIndex - half, separator, child);
            return new Split(promoted, right);
        }

        public void RemoveChildAt(int childIndex)
        {
            var separatorIndex = childIndex == 0 ? 0 : childIndex - 1;
            Count--;
            Array.Copy(Children, childIndex + 1, Children, childIndex, Count - childIndex);
            Children[Count] = null!;
            if (Count > 0)
            {
                Array.Copy(Keys, separatorIndex + 1, Keys, separatorIndex, Count - 1 - separatorIndex);
                Keys[Count - 1] = null!;
            }
        }
    }

    /// <summary>A position in key order; walks forward across leaves.</summary>
    public struct Cursor
    {
        private Leaf? _leaf;
        private int _index;

        internal Cursor(Leaf leaf, int index)
        {
            _leaf = leaf;
            _index = index;
        }

        public readonly bool IsValid => _leaf is not null;

        public readonly ByteString Key => _leaf!.Keys[_index];

        public readonly TValue Value => _leaf!.Values[_index];

        public void MoveNext()
        {
            _index++;
            SkipExhaustedLeaves();
        }

        internal void SkipExhaustedLeaves()
        {
            while (_leaf is not null && _index >= _leaf.Count)
            {
                _leaf = _leaf.Next;
                _index = 0;
            }
        }
    }
}
