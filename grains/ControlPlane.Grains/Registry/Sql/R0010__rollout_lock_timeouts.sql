-- Tenant DDL waits for locks only briefly and is tried again: a rollout keeps its own lock and statement timeouts
-- (null: the deployment's ControlPlane:Migrations values), so a rollout resumed on another silo runs with them.
-- Written to be applied again without harm.
ALTER TABLE controlplane.rollouts ADD COLUMN IF NOT EXISTS lock_timeout interval;
ALTER TABLE controlplane.rollouts ADD COLUMN IF NOT EXISTS statement_timeout interval;

-- Per tenant: the most tries one of its migrations needed (1: no lock timeout; 0: not run yet), and since when it
-- has been waiting for a lock (null while it is not).
ALTER TABLE controlplane.rollout_tenants ADD COLUMN IF NOT EXISTS lock_tries integer NOT NULL DEFAULT 0;
ALTER TABLE controlplane.rollout_tenants ADD COLUMN IF NOT EXISTS lock_waiting_since timestamptz;
