namespace ControlPlane.Silo.Hosting;

/// <summary>
/// Runs an asynchronous action at most once; every caller awaits the same run. Hosts can stop a service twice
/// at once (WebApplicationFactory stops the host while Program's own Run does too), and shutdown must not run twice.
/// </summary>
internal sealed class Once
{
    private Task? _run;

    public Task RunAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _run, completion.Task, null) is { } existing)
        {
            return existing;
        }

        _ = RunCoreAsync(action, completion);
        return completion.Task;
    }

    private static async Task RunCoreAsync(Func<Task> action, TaskCompletionSource completion)
    {
        try
        {
            await action();
            completion.SetResult();
        }
        catch (Exception ex)
        {
            completion.SetException(ex);
        }
    }
}
