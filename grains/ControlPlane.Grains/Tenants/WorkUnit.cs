namespace ControlPlane.Grains.Tenants;

/// <summary>The next thing a tenant's drive loop does; each runs in its own transaction.</summary>
public enum WorkUnit
{
    None,
    CreateSchema,
    Migrate,
    Seed,
    Activate,
    Deprovision,

    /// <summary>Return a failed tenant to the state its failed step starts from.</summary>
    Resume,

    /// <summary>Copy a clone's or an import's data (the step that replaces Seed for them).</summary>
    Copy,

    /// <summary>A move's first phase: make the target (docs/tiers.md#moving-a-tenant-between-tiers).</summary>
    MovePrepare,

    /// <summary>A move's second phase: copy, verify and switch routing, in one transaction, with writes held.</summary>
    MoveCopy,

    /// <summary>A move's last phase: remove the source.</summary>
    MoveRemove,
}
