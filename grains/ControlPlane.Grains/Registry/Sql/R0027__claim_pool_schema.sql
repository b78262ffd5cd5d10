-- A warm pool claim takes one Ready schema at the onboarding's catalogue and makes it the tenant's in one statement,
-- so that the claim, the seed and the readiness check travel in one round trip: a claim that first returned the pool
-- schema's name to the silo, to spell the renames there, paid a second round trip (and the silo's turn between them)
-- in every onboarding. The row is deleted with FOR UPDATE SKIP LOCKED, so two onboardings never take the same schema;
-- names reach the DDL only through format()'s %I and %L quoting. Raises no_data_found (P0002) when the pool has
-- nothing to give, which the caller rolls back to a savepoint before building the tenant instead.
CREATE OR REPLACE FUNCTION controlplane.claim_pool_schema(
    version integer, catalogue text, tenant_role text, tenant_schema text, database_name text, verifier text, marker text)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    pooled text;
BEGIN
    DELETE FROM controlplane.pool_schemas p
    WHERE p.name = (SELECT q.name FROM controlplane.pool_schemas q
                    WHERE q.state = 'Ready' AND q.migration_version = claim_pool_schema.version
                      AND q.catalogue = claim_pool_schema.catalogue
                    ORDER BY q.created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = tenant_role)
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = tenant_schema)
    RETURNING p.name INTO pooled;
    IF pooled IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'the warm pool has no schema at this catalogue';
    END IF;

    EXECUTE format('ALTER SCHEMA %I RENAME TO %I', pooled, tenant_schema);
    EXECUTE format('ALTER ROLE %I RENAME TO %I', pooled, tenant_role);
    -- After the rename: PostgreSQL clears an MD5 password on rename, and the verifier is set for the new name.
    EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', tenant_role, verifier);
    EXECUTE format('COMMENT ON ROLE %I IS %L', tenant_role, marker);
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path TO %I', tenant_role, database_name, tenant_schema);
    RETURN pooled;
END
$$;
