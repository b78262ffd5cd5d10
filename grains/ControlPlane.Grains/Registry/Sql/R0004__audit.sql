-- The audit log: every platform action, who asked, about which tenant (or rollout, or key), when, and how it ended.
-- Only the control plane's own registry role writes it; tenant roles have no privilege on the registry schema (its
-- USAGE is never granted), and PUBLIC's default privileges are revoked here as well so a later grant on the schema
-- cannot expose it. Rows are never updated or deleted by the control plane.
CREATE TABLE controlplane.audit_log (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor   text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    action  text NOT NULL,
    tenant  text,
    target  text,
    status  integer NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('succeeded', 'refused', 'failed')),
    detail  text
);
-- Paging newest first, for one tenant or for all.
CREATE INDEX audit_log_tenant ON controlplane.audit_log (tenant, id DESC);
REVOKE ALL ON controlplane.audit_log FROM PUBLIC;
