using ControlPlane.Grains.Tenants.Steps;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>A warm pool schema its build left short of what a tenant's role needs (see <see cref="ActivateStep.ProblemsAsync"/>).</summary>
public sealed class PoolSchemaNotReadyException(string name, IReadOnlyList<string> problems)
    : Exception($"warm pool schema {name} is not ready: {string.Join("; ", problems)}");
