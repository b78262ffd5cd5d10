-- The warm pool: schemas and roles built and migrated ahead of onboarding, so a new tenant claims one (a rename and
-- its seed) instead of building it. A row is written before its schema is built ('Building', naming the silo that
-- builds it) and becomes 'Ready' in the transaction that finishes the build, at the catalogue it was migrated to
-- (its version and a fingerprint of the applied files' checksums). Onboarding claims a Ready row at the current
-- catalogue with FOR UPDATE SKIP LOCKED and deletes it in the tenant's own step transaction, so two onboardings never
-- take the same schema and a stale one is never taken. Pool schemas are not tenants: no row in tenants, no listing.
CREATE TABLE controlplane.pool_schemas (
    name              text PRIMARY KEY CHECK (name ~ '^cp_pool_[0-9a-f]{16}$'),
    state             text NOT NULL CHECK (state IN ('Building', 'Ready')),
    migration_version integer NOT NULL DEFAULT 0,
    catalogue         text NOT NULL DEFAULT '',
    builder           text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    ready_at          timestamptz
);

CREATE INDEX pool_schemas_ready ON controlplane.pool_schemas (migration_version, catalogue, created_at) WHERE state = 'Ready';
