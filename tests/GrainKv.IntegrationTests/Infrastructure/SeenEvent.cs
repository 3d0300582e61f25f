using Mvccpb;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>A watch event as the watch tests compare them; the previous value only where the watch asked for it.</summary>
public sealed record SeenEvent(long ModRevision, string Key, Event.Types.EventType Type, string Value, string? PrevValue);
