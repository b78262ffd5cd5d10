using ControlPlane.Grains.Database;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>Looks after the tenant's own role, which is marked so we never adopt or drop a role we did not create.</summary>
public static class TenantRoles
{
    /// <summary>
    /// The group every tenant role belongs to. It holds CONNECT on the control plane's database and nothing else,
    /// so membership gives a tenant no reach into another tenant's schema.
    /// </summary>
    public const string GroupRole = "controlplane_tenants";

    /// <summary>The comment that marks a role as this control plane's, for this database and tenant.</summary>
    public static string Marker(string database, TenantSlug slug) => $"controlplane tenant role: database={database} slug={slug.Value}";

    /// <summary>
    /// The marker of a warm pool role, in the same family as a tenant's (so whatever finds this database's roles by
    /// their marker finds these too); a claim replaces it with the tenant's own.
    /// </summary>
    public static string PoolMarker(string database, string poolName) => $"controlplane tenant role: database={database} pool={poolName}";

    /// <summary>Whether the role exists, and whether it carries our marker.</summary>
    public static async Task<(bool Exists, bool Ours)> InspectAsync(StepContext context, string database)
    {
        await using var command = context.Command(
            "SELECT shobj_description(r.oid, 'pg_authid') FROM pg_catalog.pg_roles r WHERE r.rolname = $1");
        command.Parameters.Add(new() { Value = context.Slug.RoleName });
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        if (!await reader.ReadAsync(context.CancellationToken))
        {
            return (false, false);
        }

        var comment = reader.IsDBNull(0) ? null : reader.GetString(0);
        return (true, comment == Marker(database, context.Slug));
    }

    /// <summary>Allows or refuses logins of the tenant's role (suspend, resume, the first step of deletion).</summary>
    public static async Task SetLoginAsync(StepContext context, string database, bool canLogin)
    {
        var (exists, ours) = await InspectAsync(context, database);
        if (exists && ours)
        {
            await context.ExecuteAsync($"ALTER ROLE {PgIdentifier.Quote(context.Slug.RoleName)} {(canLogin ? "LOGIN" : "NOLOGIN")}");
        }
    }

    /// <summary>Ends the role's sessions (other silos' pools included) so its schema can be dropped or its suspension bites.</summary>
    public static async Task TerminateSessionsAsync(StepContext context)
    {
        await using var command = context.Command(
            "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE usename = $1 AND pid <> pg_catalog.pg_backend_pid()");
        command.Parameters.Add(new() { Value = context.Slug.RoleName });
        await command.ExecuteScalarAsync(context.CancellationToken);
    }

    /// <summary>
    /// Ends the role's sessions, drops the tenant's schema and, when it is ours, its role (deprovisioning, and the
    /// source of a move out of the schema tier). Returns what was dropped, for the timeline.
    /// </summary>
    public static async Task<string> DropSchemaAndRoleAsync(StepContext context, string database)
    {
        var (exists, ours) = await InspectAsync(context, database);
        await TerminateSessionsAsync(context);
        await context.ExecuteAsync($"DROP SCHEMA IF EXISTS {PgIdentifier.Quote(context.Slug.SchemaName)} CASCADE");
        if (exists && ours)
        {
            var role = PgIdentifier.Quote(context.Slug.RoleName);
            await context.ExecuteAsync($"DROP OWNED BY {role}; DROP ROLE {role}");
        }

        return exists && !ours
            ? $"schema {context.Slug.SchemaName} dropped; role {context.Slug.RoleName} left alone (not created by this control plane)"
            : $"schema {context.Slug.SchemaName} and role {context.Slug.RoleName} dropped";
    }
}
