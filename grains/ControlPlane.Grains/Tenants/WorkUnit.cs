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
}
