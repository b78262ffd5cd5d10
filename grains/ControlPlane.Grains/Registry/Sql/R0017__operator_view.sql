-- The operator view at 20,000 tenants (docs/operator-view.md): every listing filter and count is served by an index.
-- Text search (?q=) is a case-insensitive substring of slug or display name: pg_trgm's GIN indexes serve ILIKE
-- '%text%' (a btree on lower() would serve only prefixes). pg_trgm ships with PostgreSQL's contrib and is a trusted
-- extension (PostgreSQL 13+), so the registry's owner may create it; it lives in the registry's own schema, where
-- tenant roles have no privilege. Written to be applied again without harm.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA controlplane;

CREATE INDEX IF NOT EXISTS tenants_slug_trgm ON controlplane.tenants USING gin (slug controlplane.gin_trgm_ops);
CREATE INDEX IF NOT EXISTS tenants_display_name_trgm ON controlplane.tenants USING gin (display_name controlplane.gin_trgm_ops);

-- ?version=N pages by slug within one version, as tenants_state_slug does for ?state=.
CREATE INDEX IF NOT EXISTS tenants_version_slug ON controlplane.tenants (migration_version, slug);

-- Onboarding latency over a window: the Active entries in it (the rest of a tenant's timeline comes by tenant_events_slug).
CREATE INDEX IF NOT EXISTS tenant_events_active_at ON controlplane.tenant_events (at) WHERE to_state = 'Active';
