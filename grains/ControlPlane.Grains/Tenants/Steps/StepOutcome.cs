using Npgsql;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>The row a step leaves behind and the timeline entries it adds, saved in the step's transaction.</summary>
public sealed record StepOutcome(TenantRow Row, params TenantEventDraft[] Events)
{
    /// <summary>More statements to send with the row's save, in the same round trip (e.g. a migration's record).</summary>
    public IReadOnlyList<NpgsqlBatchCommand> AlsoRun { get; init; } = [];
}
