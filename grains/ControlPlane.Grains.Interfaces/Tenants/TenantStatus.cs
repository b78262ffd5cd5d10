using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>The states of a tenant's provisioning state machine.</summary>
/// <remarks>
/// Provisioning runs <c>Requested → SchemaCreated → Migrated → Seeded → Active</c>; any step may end in
/// <see cref="Failed"/>. <c>docs/state-machine.md</c> has the full table.
/// </remarks>
[GenerateSerializer, Alias("cp.TenantStatus")]
public enum TenantStatus
{
    /// <summary>Registered; nothing created yet.</summary>
    Requested,

    /// <summary>The schema and the tenant's database role exist.</summary>
    SchemaCreated,

    /// <summary>Every migration up to the target version is applied.</summary>
    Migrated,

    /// <summary>The base data is seeded.</summary>
    Seeded,

    /// <summary>Verified and serving.</summary>
    Active,

    /// <summary>A step failed; the failed step, the error and the attempt count are kept.</summary>
    Failed,

    /// <summary>Switched off by an operator: the role cannot log in.</summary>
    Suspended,

    /// <summary>The schema and role are being dropped.</summary>
    Deprovisioning,

    /// <summary>Schema and role dropped; the registry row and its history remain.</summary>
    Deleted,

    /// <summary>
    /// Deleted with a retention period: a final backup is taken, the role cannot log in, and the schema is kept until
    /// its purge time, when it is deprovisioned; until then a resume brings it back Active with its data.
    /// </summary>
    Retained,
}
