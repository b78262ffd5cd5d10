-- Rollouts: a schema change rolled out to every tenant in waves, persisted so that a crash loses nothing.

CREATE TABLE controlplane.rollouts (
    id                text PRIMARY KEY,
    state             text NOT NULL CHECK (state IN ('Running', 'Paused', 'Halted', 'Completed', 'Cancelled')),
    target_version    integer NOT NULL,
    max_parallel      integer NOT NULL,
    failure_threshold double precision NOT NULL,
    -- [{"name": "canary", "size": 20}, ...]: sizes as assigned when the rollout was created.
    waves             jsonb NOT NULL,
    current_wave      integer NOT NULL DEFAULT 0,
    -- Failures of the current wave an operator accepted by resuming a halted rollout; only new ones count against the threshold.
    accepted_failures integer NOT NULL DEFAULT 0,
    reason            text,
    created_by        text,
    etag              bigint NOT NULL DEFAULT 1,
    -- The coordinator's fence, as for tenants: the silo driving it and a token that grows with each new holder.
    lease_owner       text,
    lease_token       bigint NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at       timestamptz
);

-- Only one open rollout: a second one fails on this index, atomically, whichever silo starts it.
CREATE UNIQUE INDEX rollouts_one_open ON controlplane.rollouts ((true)) WHERE state IN ('Running', 'Paused', 'Halted');
CREATE INDEX rollouts_created ON controlplane.rollouts (created_at DESC);

CREATE TABLE controlplane.rollout_tenants (
    rollout_id   text NOT NULL REFERENCES controlplane.rollouts (id),
    slug         text NOT NULL REFERENCES controlplane.tenants (slug),
    wave         integer NOT NULL,
    -- Pending, Succeeded, Failed or Skipped; "running" lives only in the coordinator (a crash returns it to Pending).
    status       text NOT NULL CHECK (status IN ('Pending', 'Succeeded', 'Failed', 'Skipped')),
    from_version integer NOT NULL,
    error        text,
    attempts     integer NOT NULL DEFAULT 0,
    finished_at  timestamptz,
    PRIMARY KEY (rollout_id, slug)
);
CREATE INDEX rollout_tenants_progress ON controlplane.rollout_tenants (rollout_id, wave, status);
