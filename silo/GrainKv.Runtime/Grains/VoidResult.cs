namespace GrainKv.Runtime;

/// <summary>The result of a grain method returning Task or ValueTask, so that every call completes a Task&lt;TResult&gt;.</summary>
internal readonly struct VoidResult;
