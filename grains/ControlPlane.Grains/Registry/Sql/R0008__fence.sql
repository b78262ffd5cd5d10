-- The fence's judge of a lease holder, written once (LeaseFence names it in every statement; docs/guarantees.md):
-- a silo incarnation holds its leases while Orleans' membership has it Active (status 3) and its heartbeat there,
-- written by the database's clock, is younger than the expiry. Orleans' vote declares a silent silo Dead within
-- seconds; the heartbeat bound also frees the leases of a cluster that died whole, when no survivor is left to vote.
CREATE FUNCTION controlplane.is_live_member(silo text, expiry interval) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1 FROM orleans.membership m
        WHERE m.silo_key = silo AND m.status = 3 AND m.heartbeat_at > statement_timestamp() - expiry)
$$;

-- Membership is Orleans' now; the home-made table and its agent are gone.
DROP TABLE controlplane.silos;
