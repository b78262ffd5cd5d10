-- pg_trgm's operator class answers equality too, and the planner's estimate for it is far too low: for
-- "slug = ANY($1)", or a join on slug, it chose tenants_slug_trgm over the primary key, and reading the posting lists
-- of trigrams every slug shares ("_00", "000") took about 1 ms per slug, where the primary key takes microseconds.
-- The text search index moves to lower(slug), an expression no equality on slug can use; the operator view's search
-- asks lower(t.slug) ILIKE (slugs are lower-case, so it finds the same tenants). Written to be applied again without harm.
CREATE INDEX IF NOT EXISTS tenants_slug_lower_trgm ON controlplane.tenants USING gin (lower(slug) controlplane.gin_trgm_ops);
DROP INDEX IF EXISTS controlplane.tenants_slug_trgm;
