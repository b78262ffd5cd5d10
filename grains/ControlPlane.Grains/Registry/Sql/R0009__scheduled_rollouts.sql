-- A rollout can start later: it waits as Scheduled until not_before (by the database's clock), woken by an Orleans
-- reminder on its grain (orleans.reminders, R0007). Scheduled is open, so the one-open-rollout rule counts it: a
-- second rollout is refused while one waits, as while one runs. Written to be applied again without harm.
ALTER TABLE controlplane.rollouts ADD COLUMN IF NOT EXISTS not_before timestamptz;

-- R0002's column CHECK, under the name PostgreSQL gave it, listed the states without Scheduled.
ALTER TABLE controlplane.rollouts DROP CONSTRAINT IF EXISTS rollouts_state_check;
ALTER TABLE controlplane.rollouts ADD CONSTRAINT rollouts_state_check
    CHECK (state IN ('Scheduled', 'Running', 'Paused', 'Halted', 'Completed', 'Cancelled'));

-- A scheduled rollout always says when it may start.
ALTER TABLE controlplane.rollouts DROP CONSTRAINT IF EXISTS rollouts_scheduled_not_before;
ALTER TABLE controlplane.rollouts ADD CONSTRAINT rollouts_scheduled_not_before
    CHECK (state <> 'Scheduled' OR not_before IS NOT NULL);

-- Dropped and made again in this upgrade's transaction, so no moment exists without the rule.
DROP INDEX IF EXISTS controlplane.rollouts_one_open;
CREATE UNIQUE INDEX rollouts_one_open ON controlplane.rollouts ((true)) WHERE state IN ('Scheduled', 'Running', 'Paused', 'Halted');
