namespace ControlPlane.Grains.Tenants;

/// <summary>A tenant as the registry has it at one moment.</summary>
public sealed record TenantSnapshot
{
    public required string Slug { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>The PostgreSQL schema holding the tenant's data (<c>tenant_&lt;slug&gt;</c>).</summary>
    public required string Schema { get; init; }

    /// <summary>The tenant's own PostgreSQL role.</summary>
    public required string Role { get; init; }

    public required TenantStatus Status { get; init; }

    /// <summary>Highest migration version applied to the schema (0 before any).</summary>
    public required int MigrationVersion { get; init; }

    /// <summary>Failed attempts of the current step since it last succeeded or was retried by hand.</summary>
    public required int Attempts { get; init; }

    /// <summary>The step that failed, when <see cref="Status"/> is <see cref="TenantStatus.Failed"/>.</summary>
    public ProvisioningStep? FailedStep { get; init; }

    /// <summary>The last error, kept until the step succeeds.</summary>
    public string? LastError { get; init; }

    /// <summary>When the next automatic retry is due; null when none is scheduled.</summary>
    public DateTimeOffset? NextRetryAt { get; init; }

    /// <summary>Optimistic-concurrency version of the registry row; changes on every write.</summary>
    public required long Etag { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Every state change, oldest first.</summary>
    public IReadOnlyList<TenantEvent> Timeline { get; init; } = [];

    /// <summary>Applied migrations whose file has changed since (reported, never silently skipped).</summary>
    public IReadOnlyList<MigrationDrift> Drift { get; init; } = [];
}
