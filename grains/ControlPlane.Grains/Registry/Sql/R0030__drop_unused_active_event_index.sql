-- R0017's tenant_events_active_at served the onboarding-latency histogram from the timeline; since R0025 it reads
-- tenants.activated_at instead, and nothing asks the timeline by time any more. The index still took an entry for
-- every event entering Active, which is every migration of an active tenant: a rollout paid it once per tenant.
-- Written to be applied again without harm.
DROP INDEX IF EXISTS controlplane.tenant_events_active_at;
