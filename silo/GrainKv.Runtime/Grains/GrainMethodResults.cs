namespace GrainKv.Runtime;

/// <summary>Turns the result of a grain method returning Task or ValueTask into the ValueTask&lt;VoidResult&gt; every call awaits.</summary>
internal static class GrainMethodResults
{
    public static ValueTask<VoidResult> FromTask(Task task) =>
        task.IsCompletedSuccessfully ? default : AwaitTask(task);

    public static ValueTask<VoidResult> FromValueTask(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully) return AwaitValueTask(task);
        // Consumes the result, which releases a pooled IValueTaskSource behind the ValueTask.
        task.GetAwaiter().GetResult();
        return default;
    }

    private static async ValueTask<VoidResult> AwaitTask(Task task)
    {
        await task.ConfigureAwait(false);
        return default;
    }

    private static async ValueTask<VoidResult> AwaitValueTask(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return default;
    }
}
