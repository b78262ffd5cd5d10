using Npgsql;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>The row a step leaves behind and the timeline entries it adds, saved in the step's transaction.</summary>
public sealed record StepOutcome(TenantRow Row, params TenantEventDraft[] Events)
{
    /// <summary>More statements to send with the row's save, in the same round trip (e.g. a migration's record).</summary>
    public IReadOnlyList<NpgsqlBatchCommand> AlsoRun { get; init; } = [];

    /// <summary>
    /// The step's own statements (a migration's DDL), not yet run: they go with the row's save and the commit in one
    /// round trip. An error in one of them is the failure of <see cref="DeferredScript"/>.
    /// </summary>
    public IReadOnlyList<NpgsqlBatchCommand> Deferred { get; init; } = [];

    /// <summary>A migration group member's version record, which the group writes with the others' (<see cref="MigrateStep.ApplyInGroup"/>).</summary>
    public Migrations.TimedVersionRecord? VersionRecord { get; init; }

    /// <summary>The migration whose statements are in <see cref="Deferred"/>.</summary>
    public Migrations.MigrationScript? DeferredScript { get; init; }

    /// <summary>Migrations the step already ran in its transaction (<see cref="BuildStep"/>), with how long each took, for their metrics once it commits.</summary>
    public IReadOnlyList<(Migrations.MigrationScript Script, TimeSpan Took)> AppliedInline { get; init; } = [];
}
