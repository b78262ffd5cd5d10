using ControlPlane.Runtime.Core;

namespace ControlPlane.Runtime;

/// <summary>
/// Base class of every grain. The runtime creates one instance per activation, through dependency
/// injection, and calls it one turn at a time.
/// </summary>
public abstract class Grain
{
    private Activation? _activation;

    /// <summary>The factory for calling other grains (or this one, as a new turn).</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime;

    private Activation Activation =>
        _activation ?? throw new InvalidOperationException("This grain instance was not created by the grain runtime.");

    /// <summary>The key this activation was created for.</summary>
    public string GetPrimaryKeyString() => Activation.Id.Key;

    /// <summary>Called once before the first turn. An exception fails the triggering calls and discards the activation.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once after the last turn, before the activation is forgotten.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current turn and the calls already queued have run.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivation(DeactivationReason.ApplicationRequested);

    internal void Attach(Activation activation) => _activation = activation;
}
