-- The fence's judge of a lease holder is now spelled inline by LeaseFence (its one home) in every statement that
-- claims, keeps or checks a lease: PostgreSQL never inlines a SQL function whose body holds a subquery, so the
-- function's body was planned afresh on every call, once per tenant lock.
DROP FUNCTION controlplane.is_live_member(text, interval);
