-- Tenant backups and restores. A backup's row is written Running before its file exists and Completed (with the
-- file's size and SHA-256) only after the file is complete and renamed into place, so a silo that dies mid-backup
-- leaves a Running row and a temporary file that the tenant's grain clears when it next activates.
CREATE TABLE controlplane.tenant_backups (
    id                text PRIMARY KEY,
    slug              text NOT NULL REFERENCES controlplane.tenants (slug),
    kind              text NOT NULL CHECK (kind IN ('Manual', 'Scheduled', 'Replaced', 'Final')),
    tier              text NOT NULL DEFAULT 'schema' CHECK (tier IN ('schema', 'pooled')),
    state             text NOT NULL DEFAULT 'Running' CHECK (state IN ('Running', 'Completed', 'Failed')),
    migration_version integer,
    -- The tenant's migration records at the snapshot (version, name, checksum), which a restore puts back.
    migrations        jsonb,
    -- Rows per table at the snapshot; a restore checks the restored schema against them before it swaps.
    table_rows        jsonb,
    file_name         text,
    size_bytes        bigint,
    sha256            text,
    error             text,
    requested_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    taken_at          timestamptz,
    silo_id           text
);
CREATE INDEX tenant_backups_slug ON controlplane.tenant_backups (slug, requested_at);

-- A restore in progress is recorded before its staging schema is created, so a silo that dies mid-restore leaves a
-- row that says which schema to drop (before the swap) or which replaced schema to keep as a backup (after it).
CREATE TABLE controlplane.tenant_restores (
    id             text PRIMARY KEY,
    slug           text NOT NULL REFERENCES controlplane.tenants (slug),
    -- No foreign key to the backup: deleting a backup later keeps the history of the restores that used it.
    backup_id      text NOT NULL,
    phase          text NOT NULL DEFAULT 'Staging' CHECK (phase IN ('Staging', 'Swapped', 'Completed', 'Failed')),
    staging_schema text NOT NULL,
    replaced_schema text NOT NULL,
    replaced_backup_id text,
    -- The tenant's migration records before the swap: the replaced data's backup records them.
    replaced_migrations jsonb NOT NULL,
    error          text,
    started_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at       timestamptz
);
CREATE INDEX tenant_restores_slug ON controlplane.tenant_restores (slug, started_at);
