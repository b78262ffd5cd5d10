-- Where a new tenant's data comes from instead of the seed: a clone of another tenant (copy_kind 'clone', copy_source
-- its slug) or an import from a schema of the same database ('import', the schema's name). The Copy step reads it
-- after Migrate; the row keeps it afterwards as the tenant's origin. Written to be applied again without harm.
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS copy_kind text;
ALTER TABLE controlplane.tenants ADD COLUMN IF NOT EXISTS copy_source text;

ALTER TABLE controlplane.tenants DROP CONSTRAINT IF EXISTS tenants_copy_source;
ALTER TABLE controlplane.tenants ADD CONSTRAINT tenants_copy_source CHECK (
    (copy_kind IS NULL AND copy_source IS NULL)
    OR (copy_kind IN ('clone', 'import') AND length(copy_source) BETWEEN 1 AND 63));
