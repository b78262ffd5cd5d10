using ControlPlane.Grains.Database;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The one home of the pooled tier's row-level security: which policy each table gets and what each mode sets.
/// Every table of the pooled schema with a <c>tenant_id</c> column gets <see cref="PooledNames.PolicyName"/> for
/// reads and writes (<c>USING</c> and <c>WITH CHECK</c>): <c>tenant_id = (SELECT active_tenant())</c>, so with no
/// context, or a suspended tenant's, no row is visible and every write is refused. The control table compares with
/// <c>current_tenant()</c> (it is what <c>active_tenant()</c> reads). A table without <c>tenant_id</c> gets no
/// policy, so under <see cref="PooledPolicyMode.Enforced"/> nothing in it is visible at all: it fails closed.
/// </summary>
public static class PooledPolicies
{
    /// <summary>
    /// Adds the policy where it is missing and sets every table's row-level security to <paramref name="mode"/>
    /// (enabled and forced, or disabled with the policies kept). Tables already as asked are not touched: an
    /// <c>ALTER TABLE</c> takes a lock that would queue the tenants' queries.
    /// </summary>
    public static string Apply(string schema, PooledPolicyMode mode)
    {
        var enforce = mode == PooledPolicyMode.Enforced ? "true" : "false";
        return $$"""
            DO $policies$
            DECLARE
                t record;
            BEGIN
                FOR t IN
                    SELECT c.relname,
                           c.relrowsecurity, c.relforcerowsecurity,
                           EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                                   WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped) AS has_tenant,
                           EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid AND p.polname = '{{PooledNames.PolicyName}}') AS has_policy
                    FROM pg_catalog.pg_class c
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = {{PgIdentifier.Literal(schema)}} AND c.relkind IN ('r', 'p')
                LOOP
                    IF t.has_tenant AND NOT t.has_policy THEN
                        EXECUTE pg_catalog.format(
                            'CREATE POLICY %I ON %I.%I USING (tenant_id = (SELECT %I.%I())) WITH CHECK (tenant_id = (SELECT %I.%I()))',
                            '{{PooledNames.PolicyName}}', {{PgIdentifier.Literal(schema)}}, t.relname,
                            {{PgIdentifier.Literal(schema)}}, CASE WHEN t.relname = '{{PooledNames.TenantsTable}}' THEN 'current_tenant' ELSE 'active_tenant' END,
                            {{PgIdentifier.Literal(schema)}}, CASE WHEN t.relname = '{{PooledNames.TenantsTable}}' THEN 'current_tenant' ELSE 'active_tenant' END);
                    END IF;
                    IF {{enforce}} AND NOT (t.relrowsecurity AND t.relforcerowsecurity) THEN
                        EXECUTE pg_catalog.format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', {{PgIdentifier.Literal(schema)}}, t.relname);
                    ELSIF NOT {{enforce}} AND (t.relrowsecurity OR t.relforcerowsecurity) THEN
                        EXECUTE pg_catalog.format('ALTER TABLE %I.%I DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY', {{PgIdentifier.Literal(schema)}}, t.relname);
                    END IF;
                END LOOP;
            END
            $policies$;
            """;
    }
}
