-- Tenant tiers (docs/tiers.md): a tenant lives in its own schema (tier 'schema', as before) or in the shared tables of
-- a pooled schema under row-level security (tier 'pooled', pooled_schema naming it). A pooled tenant's row keeps the
-- schema and role names its own schema would have, so a move to the schema tier builds exactly those.
-- Written to be applied again without harm.
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'schema';
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS pooled_schema text;

ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_tier_check;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_tier_check CHECK (tier IN ('schema', 'pooled'));
ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_pooled_schema;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_pooled_schema CHECK ((tier = 'pooled') = (pooled_schema IS NOT NULL));

-- ?tier=pooled pages through the pooled ones in slug order; the schema tier (the bulk) is served by the slug key.
CREATE INDEX IF NOT EXISTS tenants_pooled_slug ON controlplane.tenants (slug) WHERE tier = 'pooled';

-- One row per pooled schema: its version, which every pooled tenant in it shares, and its policy mode (which every
-- table's row-level security follows, tables added by later migrations included). Its migrations are recorded beside it, as a tenant's are in tenant_migrations.
CREATE TABLE IF NOT EXISTS controlplane.pooled_stores (
    schema_name       text PRIMARY KEY,
    migration_version integer NOT NULL DEFAULT 0,
    policy_mode       text NOT NULL DEFAULT 'Enforced' CHECK (policy_mode IN ('Enforced', 'Shadow')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS controlplane.pooled_migrations (
    schema_name text NOT NULL REFERENCES controlplane.pooled_stores (schema_name) ON DELETE CASCADE,
    version     integer NOT NULL,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    took_ms     double precision,
    PRIMARY KEY (schema_name, version)
);
