using System.Diagnostics;
using System.Reflection;
using ControlPlane.Runtime.Telemetry;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Runtime.Core;

/// <summary>One message in a mailbox: a grain method call waiting for its turn.</summary>
internal abstract class Turn
{
    /// <summary>The task the caller awaits (none for runtime-internal turns).</summary>
    public virtual Task CallerTask => Task.CompletedTask;

    public abstract Task RunAsync(Grain grain);

    public abstract void Fail(Exception exception);

    /// <summary>Where the turn's span and log scope come from; set when the call is made.</summary>
    public void Trace(ActivityContext parent, GrainTelemetry telemetry, ILogger logger)
    {
        Parent = parent;
        Telemetry = telemetry;
        Logger = logger;
    }

    protected ActivityContext Parent { get; private set; }

    protected GrainTelemetry? Telemetry { get; private set; }

    protected ILogger? Logger { get; private set; }

    /// <summary>
    /// Starts the turn's span under the caller's, never under whatever span the activation's loop happened to
    /// inherit, and opens a log scope with the same grain attributes.
    /// </summary>
    protected (Activity? Span, IDisposable? Scope) BeginTelemetry(GrainMethod method)
    {
        if (Telemetry is null)
        {
            return (null, null);
        }

        Activity.Current = null;
        var span = RuntimeTelemetry.Source.HasListeners()
            ? RuntimeTelemetry.Source.StartActivity($"{Telemetry.GrainTypeName}.{method.Method.Name}", ActivityKind.Internal, Parent, Telemetry.Attributes)
            : null;
        return (span, Logger?.BeginScope(Telemetry.Attributes));
    }
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

        var (span, scope) = BeginTelemetry(method);
        try
        {
            var task = (Task)method.Method.Invoke(grain, arguments)!;
            await task;
            _completion.TrySetResult(method.ReturnsValue ? ((Task<TResult>)task).Result : default!);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            RecordError(span, ex.InnerException);
            Complete(ex.InnerException);
        }
        catch (Exception ex)
        {
            RecordError(span, ex);
            Complete(ex);
        }
        finally
        {
            scope?.Dispose();
            span?.Dispose();
        }
    }

    private static void RecordError(Activity? span, Exception exception)
    {
        span?.AddException(exception);
        span?.SetStatus(ActivityStatusCode.Error, exception.Message);
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
