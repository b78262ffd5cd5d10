-- R0006's fillfactor of 70 left room for about 13 new row versions in a page of about 30 tenant rows. A rollout
-- updates every row once, in groups of up to eight at random pages, and a page is pruned only once its oldest
-- updater has committed, so a third of a 10,000-tenant rollout's updates still found no room and took a new tuple
-- elsewhere plus an entry in all of the table's indexes, the trigram and label GINs among them. At 50 a page holds
-- about 17 rows and room for 21 versions: a whole rollout fits without pruning. The table doubles (about 4 MB at
-- 20,000 tenants). Applies to pages written from now on. Written to be applied again without harm.
ALTER TABLE controlplane.tenants SET (fillfactor = 50);
