using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>A unit of work of the state machine; a failure names the step that failed.</summary>
[GenerateSerializer, Alias("cp.ProvisioningStep")]
public enum ProvisioningStep
{
    /// <summary>Create the tenant's role and schema (<c>Requested → SchemaCreated</c>).</summary>
    CreateSchema,

    /// <summary>Apply the pending migrations (<c>SchemaCreated → Migrated</c>, or an active tenant's upgrade).</summary>
    Migrate,

    /// <summary>Insert the base data (<c>Migrated → Seeded</c>).</summary>
    Seed,

    /// <summary>Verify the tenant's own pool reaches its schema (<c>Seeded → Active</c>).</summary>
    Activate,

    /// <summary>Drop the schema and role (<c>Deprovisioning → Deleted</c>).</summary>
    Deprovision,

    /// <summary>Copy a clone's or an import's rows from their source instead of seeding (<c>Migrated → Seeded</c>).</summary>
    Copy,

    /// <summary>A move between tiers (in place in Active): prepare the target, copy and switch, remove the source.</summary>
    Move,
}
