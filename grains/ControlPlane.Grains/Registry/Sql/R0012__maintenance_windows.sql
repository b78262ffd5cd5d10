-- A rollout may dispatch only inside maintenance windows: windows holds them as given ([{"days": "Mon-Fri",
-- "from": "01:00", "to": "05:00", "timeZone": "UTC"}], NULL for none). Outside them it waits as WaitingForWindow,
-- woken by the same Orleans reminder as a Scheduled rollout (R0009). When it next runs is computed from windows, so
-- nothing else is stored. Written to be applied again without harm.
ALTER TABLE controlplane.rollouts ADD COLUMN IF NOT EXISTS windows jsonb;

-- R0009's list of states, with WaitingForWindow.
ALTER TABLE controlplane.rollouts DROP CONSTRAINT IF EXISTS rollouts_state_check;
ALTER TABLE controlplane.rollouts ADD CONSTRAINT rollouts_state_check
    CHECK (state IN ('Scheduled', 'WaitingForWindow', 'Running', 'Paused', 'Halted', 'Completed', 'Cancelled'));

-- Only a rollout with windows waits for one.
ALTER TABLE controlplane.rollouts DROP CONSTRAINT IF EXISTS rollouts_waiting_has_windows;
ALTER TABLE controlplane.rollouts ADD CONSTRAINT rollouts_waiting_has_windows
    CHECK (state <> 'WaitingForWindow' OR windows IS NOT NULL);

-- A rollout waiting for its window is open: it holds the one-open-rollout slot. Made again in this upgrade's
-- transaction, so no moment exists without the rule.
DROP INDEX IF EXISTS controlplane.rollouts_one_open;
CREATE UNIQUE INDEX rollouts_one_open ON controlplane.rollouts ((true))
    WHERE state IN ('Scheduled', 'WaitingForWindow', 'Running', 'Paused', 'Halted');
