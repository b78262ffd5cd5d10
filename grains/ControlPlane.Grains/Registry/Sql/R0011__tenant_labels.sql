-- Tenant labels (plan=enterprise, region=eu): a flat JSON object of strings, set at onboarding or by PATCH through the
-- tenant's grain. Rollout waves and listings select tenants by them; jsonb_path_ops keeps the GIN index small and
-- serves the containment (labels @> '{"plan":"free"}') those selectors compile equality to. Written to be applied
-- again without harm.
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS labels jsonb NOT NULL DEFAULT '{}'::jsonb;

ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_labels_object;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_labels_object CHECK (jsonb_typeof(labels) = 'object');

CREATE INDEX IF NOT EXISTS tenants_labels ON controlplane.tenants USING gin (labels jsonb_path_ops);
