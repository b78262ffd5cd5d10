using System.Security.Cryptography;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>
/// Names of warm pool schemas (and their roles, which share the name): <c>cp_pool_</c> and 16 random hex digits. They
/// cannot collide with a tenant's <c>tenant_&lt;slug&gt;</c>, so a pool schema is never mistaken for a tenant's.
/// </summary>
public static class PoolSchemaName
{
    public const string Prefix = "cp_pool_";

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
