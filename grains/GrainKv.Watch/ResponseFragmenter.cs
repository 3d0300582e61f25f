using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Watch;

/// <summary>
/// Splits a large event response for a watcher that set fragment (etcd-api.md §4.2): every part but the
/// last carries fragment=true and the client concatenates until fragment=false. A part holds at least one
/// event, so one event above the threshold still travels whole.
/// </summary>
internal static class ResponseFragmenter
{
    /// <summary>events is field 11 of WatchResponse: a one-byte tag.</summary>
    private const int EventTagBytes = 1;

    public static IReadOnlyList<WatchResponse> Split(WatchResponse response, int thresholdBytes)
    {
        if (response.Events.Count < 2 || response.CalculateSize() < thresholdBytes)
        {
            return [response];
        }
        var emptySize = Part(response, []).CalculateSize();
        var parts = new List<WatchResponse>();
        var partEvents = new List<Mvccpb.Event>();
        var partSize = emptySize;
        foreach (var change in response.Events)
        {
            var eventSize = EventTagBytes + CodedOutputStream.ComputeMessageSize(change);
            if (partEvents.Count > 0 && partSize + eventSize >= thresholdBytes)
            {
                parts.Add(Part(response, partEvents, fragment: true));
                partEvents.Clear();
                partSize = emptySize;
            }
            partEvents.Add(change);
            partSize += eventSize;
        }
        parts.Add(Part(response, partEvents));
        return parts;
    }

    private static WatchResponse Part(WatchResponse whole, List<Mvccpb.Event> events, bool fragment = false)
    {
        var part = WatchResponses.Events(whole.Header.Revision, whole.WatchId, events);
        part.Fragment = fragment;
        return part;
    }
}
