namespace GrainKv.Runtime;

/// <summary>The declared return type of a grain method, which the proxy hands back to the caller.</summary>
internal enum GrainMethodReturn
{
    Task,
    TaskOfResult,
    ValueTask,
    ValueTaskOfResult,
}
