-- Offboarding with a retention period: a tenant deleted with ?retainFor= is Retained (its role NOLOGIN, its schema
-- kept) until purge_at, when its reminder deprovisions it. purge_at is set exactly while the tenant is Retained, so
-- a resume or a purge clears it in the same write that leaves the state. Written to be applied again without harm.
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS purge_at timestamptz;

ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_state_check;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_state_check CHECK (state IN (
    'Requested', 'SchemaCreated', 'Migrated', 'Seeded', 'Active', 'Failed', 'Suspended', 'Deprovisioning', 'Deleted', 'Retained'));

ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_purge_at;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_purge_at CHECK ((state = 'Retained') = (purge_at IS NOT NULL));
