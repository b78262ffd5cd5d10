-- Moves between tiers (docs/tiers.md#moving-a-tenant-between-tiers): the move in progress is part of the tenant's
-- durable state, so any silo resumes it from the row after a crash. move_to is the target tier, move_phase the unit
-- that runs next (Preparing, Copying, Removing); all three columns are set together while a move runs, and cleared
-- together when its source is removed (or the move fails before the switch). Written to be applied again without harm.
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS move_to text;
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS move_phase text;
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS move_started_at timestamptz;

ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_move_check;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_move_check CHECK (
    (move_to IS NULL AND move_phase IS NULL AND move_started_at IS NULL)
    OR (move_to IN ('schema', 'pooled') AND move_phase IN ('Preparing', 'Copying', 'Removing') AND move_started_at IS NOT NULL));
