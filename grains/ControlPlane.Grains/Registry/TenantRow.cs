using ControlPlane.Grains.Tenants;

namespace ControlPlane.Grains.Registry;

/// <summary>A row of <c>controlplane.tenants</c>: the durable state of one tenant's state machine.</summary>
public sealed record TenantRow
{
    public required string Slug { get; init; }

    public required string DisplayName { get; init; }

    public required string SchemaName { get; init; }

    public required string RoleName { get; init; }

    public required TenantStatus State { get; init; }

    public ProvisioningStep? FailedStep { get; init; }

    public string? LastError { get; init; }

    public int Attempts { get; init; }

    public int MigrationVersion { get; init; }

    public long Etag { get; init; }

    public string? LeaseOwner { get; init; }

    public long LeaseToken { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The tenant's labels, by key (written only by <see cref="TenantRows.SaveLabelsAsync"/> and onboarding).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = TenantLabels.None;

    /// <summary>Where the tenant's data is copied from instead of the seed (a clone or an import); null for a seeded tenant.</summary>
    public Tenants.Copies.TenantCopySource? CopyFrom { get; init; }

    /// <summary>When a Retained tenant is purged (the database's clock); null in every other state.</summary>
    public DateTimeOffset? PurgeAt { get; init; }

    /// <summary>Where its data lives; a pooled tenant's <see cref="SchemaName"/> and <see cref="RoleName"/> are the ones its own schema would have.</summary>
    public TenantTier Tier { get; init; }

    /// <summary>The pooled schema a pooled tenant's rows are in; null exactly when <see cref="Tier"/> is <see cref="TenantTier.Schema"/>.</summary>
    public string? PooledSchema { get; init; }

    /// <summary>The move between tiers in progress; null when none is (R0022).</summary>
    public TenantMove? Move { get; init; }

    /// <summary>The schema its data is in: its own, or the pooled one.</summary>
    public string DataSchema => PooledSchema ?? SchemaName;
}
