-- Rollouts migrate a pooled schema as one unit (docs/tiers.md, "Rollouts"): it is recorded beside the rollout's
-- tenants as a row of rollout_tenants named 'pooled:<schema>' (a colon is never part of a slug), so it is counted,
-- shown, retried and held to the failure threshold like a tenant. That row names no tenant, so the column can no
-- longer reference controlplane.tenants: the rollout's assignment query (RolloutAssignment) is what inserts rows,
-- from live tenant rows and controlplane.pooled_stores only. Written to be applied again without harm.
ALTER TABLE controlplane.rollout_tenants DROP CONSTRAINT IF EXISTS rollout_tenants_slug_fkey;
