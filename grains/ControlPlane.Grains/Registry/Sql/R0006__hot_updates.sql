-- Leave room in each page for the next version of a row. Tenant rows are updated once per unit of work (and a rollout
-- updates thousands in a row); with full pages every update is a new tuple elsewhere plus an entry in every index.
-- With free space in the page PostgreSQL can make it a heap-only update, touching no index when no indexed column
-- changes (a migration changes none). Applies to pages written from now on.
ALTER TABLE controlplane.tenants SET (fillfactor = 70);
ALTER TABLE controlplane.rollout_tenants SET (fillfactor = 80);
