-- How many grain activations each silo holds, written with its heartbeat so `GET /v1/cluster` can show every
-- silo's load from any silo. Null until the first heartbeat, and for incarnations that are gone.
ALTER TABLE controlplane.silos ADD COLUMN active_grains integer;
