-- A rollout updates every tenant's row once, changing its migration_version. An index on migration_version (R0017's
-- tenants_version_slug) makes each of those updates a new tuple plus an entry in all ten of the table's indexes, the
-- trigram and label GINs among them: 0 of 1,800 rollout updates were heap-only with it, all of them without it
-- (R0006's fillfactor leaves the room), and the update's server time fell from 0.22 ms to 0.03 ms. The ?version= page
-- it served walks the primary key instead, filtering: a few milliseconds at 20,000 tenants even when almost none
-- match (docs/operator-view.md). Written to be applied again without harm.
DROP INDEX IF EXISTS controlplane.tenants_version_slug;
