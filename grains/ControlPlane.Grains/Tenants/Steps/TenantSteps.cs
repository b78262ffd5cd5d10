namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>The steps a tenant grain runs, gathered so the grain's constructor stays readable.</summary>
public sealed record TenantSteps(
    CreateSchemaStep CreateSchema,
    BuildStep Build,
    MigrateStep Migrate,
    SeedStep Seed,
    DeprovisionStep Deprovision,
    CopyStep Copy,
    Copies.CopySourceCheck CopySources,
    Copies.SchemaAdoption Adoption,
    WarmPool.ClaimFromPoolStep Claim,
    Moves.TenantMoveSteps Moves);
