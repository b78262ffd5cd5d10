using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>A tenant as the registry has it at one moment.</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantSnapshot")]
public sealed record TenantSnapshot
{
    [Id(0)]
    public required string Slug { get; init; }

    [Id(1)]
    public required string DisplayName { get; init; }

    /// <summary>The PostgreSQL schema holding the tenant's data (<c>tenant_&lt;slug&gt;</c>, or the pooled schema).</summary>
    [Id(2)]
    public required string Schema { get; init; }

    /// <summary>The tenant's own PostgreSQL role.</summary>
    [Id(3)]
    public required string Role { get; init; }

    [Id(4)]
    public required TenantStatus Status { get; init; }

    /// <summary>Highest migration version applied to the schema (0 before any).</summary>
    [Id(5)]
    public required int MigrationVersion { get; init; }

    /// <summary>Failed attempts of the current step since it last succeeded or was retried by hand.</summary>
    [Id(6)]
    public required int Attempts { get; init; }

    /// <summary>The step that failed, when <see cref="Status"/> is <see cref="TenantStatus.Failed"/>.</summary>
    [Id(7)]
    public ProvisioningStep? FailedStep { get; init; }

    /// <summary>The last error, kept until the step succeeds.</summary>
    [Id(8)]
    public string? LastError { get; init; }

    /// <summary>When the next automatic retry is due; null when none is scheduled.</summary>
    [Id(9)]
    public DateTimeOffset? NextRetryAt { get; init; }

    /// <summary>Optimistic-concurrency version of the registry row; changes on every write.</summary>
    [Id(10)]
    public required long Etag { get; init; }

    [Id(11)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(12)]
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Every state change, oldest first.</summary>
    [Id(13)]
    public IReadOnlyList<TenantEvent> Timeline { get; init; } = [];

    /// <summary>Applied migrations whose file has changed since (reported, never silently skipped).</summary>
    [Id(14)]
    public IReadOnlyList<MigrationDrift> Drift { get; init; } = [];

    /// <summary>Set while a unit of the tenant's DDL waits to be tried again after a lock timeout; null otherwise.</summary>
    [Id(15)]
    public TenantLockWait? LockWait { get; init; }

    /// <summary>The tenant's labels (<c>plan=enterprise</c>), by key; rollout waves and listings select by them.</summary>
    [Id(16)]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = TenantLabels.None;

    /// <summary>When a <see cref="TenantStatus.Retained"/> tenant is purged; null in every other state.</summary>
    [Id(80)]
    public DateTimeOffset? PurgeAt { get; init; }

    /// <summary>
    /// Where its data lives. For a pooled tenant <see cref="Schema"/> is the shared pooled schema and <see cref="Role"/>
    /// the pooled data role every pooled tenant logs in as (row-level security keeps them apart).
    /// </summary>
    [Id(81)]
    public TenantTier Tier { get; init; }

    /// <summary>The move between tiers in progress (target tier, phase, start); null when none is.</summary>
    [Id(85)]
    public TenantMove? Move { get; init; }
}
