-- The registry: the control plane's own state. Tenant roles get no privilege on this schema.

CREATE TABLE controlplane.settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Cluster membership: one row per silo incarnation. A silo is live while its heartbeat is fresh.
CREATE TABLE controlplane.silos (
    silo_id      text PRIMARY KEY,
    name         text NOT NULL,
    address      text,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    status       text NOT NULL CHECK (status IN ('Active', 'ShuttingDown', 'Dead')),
    stopped_at   timestamptz
);
CREATE INDEX silos_name_status ON controlplane.silos (name, status);

CREATE TABLE controlplane.tenants (
    slug              text PRIMARY KEY,
    display_name      text NOT NULL,
    schema_name       text NOT NULL UNIQUE,
    role_name         text NOT NULL,
    state             text NOT NULL CHECK (state IN ('Requested', 'SchemaCreated', 'Migrated', 'Seeded', 'Active',
                                                      'Failed', 'Suspended', 'Deprovisioning', 'Deleted')),
    failed_step       text,
    last_error        text,
    attempts          integer NOT NULL DEFAULT 0,
    migration_version integer NOT NULL DEFAULT 0,
    etag              bigint NOT NULL DEFAULT 1,
    -- The fence: the silo driving this tenant's DDL and a token that grows with every new holder.
    lease_owner       text,
    lease_token       bigint NOT NULL DEFAULT 0,
    -- Work is due at or after this time (a step to run, a retry, a drop); null when there is nothing to do.
    next_attempt_at   timestamptz,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX tenants_state_slug ON controlplane.tenants (state, slug);
CREATE INDEX tenants_due ON controlplane.tenants (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

CREATE TABLE controlplane.tenant_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       text NOT NULL REFERENCES controlplane.tenants (slug),
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    from_state text,
    to_state   text NOT NULL,
    step       text,
    detail     text,
    attempt    integer NOT NULL DEFAULT 0,
    silo_id    text
);
CREATE INDEX tenant_events_slug ON controlplane.tenant_events (slug, id);

-- Each tenant's applied migrations, written in the same transaction as the migration itself.
CREATE TABLE controlplane.tenant_migrations (
    slug        text NOT NULL REFERENCES controlplane.tenants (slug),
    version     integer NOT NULL,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    duration_ms double precision NOT NULL,
    -- A migration run outside a transaction is recorded as Running first; a failure leaves it NeedsRepair.
    status      text NOT NULL DEFAULT 'Applied' CHECK (status IN ('Applied', 'Running', 'NeedsRepair')),
    PRIMARY KEY (slug, version)
);
