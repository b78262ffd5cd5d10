using System.Reflection;

namespace ControlPlane.Runtime.Core;

/// <summary>One message in a mailbox: a grain method call waiting for its turn.</summary>
internal abstract class Turn
{
    /// <summary>The task the caller awaits (none for runtime-internal turns).</summary>
    public virtual Task CallerTask => Task.CompletedTask;

    public abstract Task RunAsync(Grain grain);

    public abstract void Fail(Exception exception);
}

/// <summary>A call of a grain interface method whose result completes the caller's task.</summary>
internal sealed class CallTurn<TResult>(GrainMethod method, object?[] arguments) : Turn
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task CallerTask => _completion.Task;

    public override async Task RunAsync(Grain grain)
    {
        if (method.CancellationTokenIndex is int index
            && arguments[index] is CancellationToken token
            && token.IsCancellationRequested)
        {
            // The caller gave up before the turn started: skip it rather than doing unwanted work.
            _completion.TrySetCanceled(token);
            return;
        }

        try
        {
            var task = (Task)method.Method.Invoke(grain, arguments)!;
            await task;
            _completion.TrySetResult(method.ReturnsValue ? ((Task<TResult>)task).Result : default!);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Complete(ex.InnerException);
        }
        catch (Exception ex)
        {
            Complete(ex);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    private void Complete(Exception exception)
    {
        if (exception is OperationCanceledException canceled)
        {
            _completion.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }
    }
}
