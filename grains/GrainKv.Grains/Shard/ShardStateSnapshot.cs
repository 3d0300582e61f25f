using Google.Protobuf;
using GrainKv.Mvcc;

namespace GrainKv.Grains.Shard;

/// <summary>
/// A shard's state captured in one instant (<see cref="ShardStateMachine.CaptureSnapshot"/>) and written later, on any
/// thread, while the state goes on changing: the leases, the alarms and the revision oracle as the bytes they were then (they are small), the
/// MVCC state as a capture of it.
/// </summary>
public sealed class ShardStateSnapshot(byte[] leases, MvccSnapshot store, byte[] clusterState)
{
    /// <summary>The leases, then the MVCC state that looks them up, then the alarms and the revision oracle (each section reads exactly its own bytes).</summary>
    public void WriteTo(Stream destination)
    {
        destination.Write(leases);
        store.WriteTo(destination);
        destination.Write(clusterState);
    }

    public ByteString ToByteString()
    {
        var buffer = new MemoryStream();
        WriteTo(buffer);
        // The buffer is this method's own and never written again.
        return UnsafeByteOperations.UnsafeWrap(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
