using ControlPlane.Grains.Database;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The DDL that makes a pooled schema: its two roles, the schema, and the control plane's own objects in it (the
/// context functions and the control table of pooled tenants). The model's tables come from the pooled catalogue.
/// </summary>
public static class PooledStoreDdl
{
    /// <summary>The comment that marks a pooled role as this control plane's, for this database and schema.</summary>
    public static string Marker(string database, string schema) => $"controlplane pooled role: database={database} schema={schema}";

    /// <summary>
    /// Creates (or, for roles that exist already and carry our marker, re-asserts) the owner role, which never logs in,
    /// and the data role, which logs in, owns nothing, is not superuser and has no <c>BYPASSRLS</c>; then the schema,
    /// owned by the owner, usable by the data role, with default privileges for what migrations create later.
    /// </summary>
    public static string CreateRolesAndSchema(string schema, string database, string dataVerifier, bool ownerExists, bool dataExists)
    {
        var s = PgIdentifier.Quote(schema);
        var owner = PgIdentifier.Quote(PooledNames.OwnerRole(schema));
        var data = PgIdentifier.Quote(PooledNames.DataRole(schema));
        var marker = PgIdentifier.Literal(Marker(database, schema));
        var group = PgIdentifier.Quote(Tenants.Steps.TenantRoles.GroupRole);
        return $"""
            {(ownerExists ? "ALTER" : "CREATE")} ROLE {owner} NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
            COMMENT ON ROLE {owner} IS {marker};
            {(dataExists ? "ALTER" : "CREATE")} ROLE {data} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {PgIdentifier.Literal(dataVerifier)};
            COMMENT ON ROLE {data} IS {marker};
            GRANT {group} TO {data};
            GRANT {owner} TO CURRENT_USER;
            ALTER ROLE {data} IN DATABASE {PgIdentifier.Quote(database)} SET search_path TO {s};
            CREATE SCHEMA {s} AUTHORIZATION {owner};
            REVOKE ALL ON SCHEMA {s} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {s} TO {data};
            ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {data};
            ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {data};
            ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {s} GRANT EXECUTE ON FUNCTIONS TO {data};
            """;
    }

    /// <summary>
    /// The context helpers (seed 002's SQL helpers) and the control table, created as the owner in the schema.
    /// <c>current_tenant()</c> is the transaction's tenant or null; <c>active_tenant()</c> is that tenant only while it
    /// is registered here and not suspended, which is what the policies compare with. Both are called as
    /// <c>(SELECT ...)</c> in the policies, so PostgreSQL evaluates them once per statement, not once per row. Their
    /// bodies are SQL-standard (<c>RETURN</c>), parsed at creation with schema-qualified names, so no caller's
    /// <c>search_path</c> can redirect them.
    /// </summary>
    public static string ControlObjects(string schema)
    {
        var s = PgIdentifier.Quote(schema);
        var tenants = $"{s}.{PgIdentifier.Quote(PooledNames.TenantsTable)}";
        return $"""
            CREATE FUNCTION {s}.current_tenant() RETURNS text
                LANGUAGE sql STABLE PARALLEL SAFE
                RETURN nullif(pg_catalog.current_setting('{PooledNames.ContextSetting}', true), '');
            CREATE TABLE {tenants} (
                tenant_id  text PRIMARY KEY,
                suspended  boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE FUNCTION {s}.active_tenant() RETURNS text
                LANGUAGE sql STABLE PARALLEL SAFE
                RETURN (SELECT t.tenant_id FROM {tenants} t WHERE t.tenant_id = {s}.current_tenant() AND NOT t.suspended);
            REVOKE INSERT, UPDATE, DELETE ON {tenants} FROM {PgIdentifier.Quote(PooledNames.DataRole(schema))};
            COMMENT ON TABLE {tenants} IS 'Pooled tenants of this schema, kept by the control plane; the isolation policies read suspended.';
            """;
    }
}
