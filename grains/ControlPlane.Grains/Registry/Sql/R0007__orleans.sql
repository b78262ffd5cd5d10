-- Orleans' own tables (cluster membership, grain state, reminders) and the SQL its ADO.NET providers load from
-- orleansquery at start, in a schema of their own that tenant roles cannot reach. Written for Orleans 10.4.2.

CREATE SCHEMA IF NOT EXISTS orleans;
REVOKE ALL ON SCHEMA orleans FROM PUBLIC;

-- The providers read their queries with "SELECT QueryKey, QueryText FROM OrleansQuery", found through search_path.
CREATE TABLE IF NOT EXISTS orleans.orleansquery (
    querykey  text PRIMARY KEY,
    querytext text NOT NULL
);

-- Membership: a version row per cluster (each change bumps it: Orleans' optimistic lock), a row per silo incarnation.
CREATE TABLE IF NOT EXISTS orleans.membership_version (
    deployment_id text PRIMARY KEY,
    version       integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleans.membership (
    deployment_id   text NOT NULL REFERENCES orleans.membership_version (deployment_id) ON DELETE CASCADE,
    address         text NOT NULL,
    port            integer NOT NULL,
    generation      integer NOT NULL,
    silo_name       text NOT NULL,
    host_name       text NOT NULL,
    status          integer NOT NULL,
    proxy_port      integer NOT NULL,
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    heartbeat_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    silo_key        text GENERATED ALWAYS AS (address || ':' || port::text || '@' || generation::text) STORED,
    PRIMARY KEY (deployment_id, address, port, generation)
);
CREATE INDEX IF NOT EXISTS membership_silo_key ON orleans.membership (silo_key);

-- Grain state: keyed by all the provider passes (GrainTypeString is the state name; the grain type is never passed).
CREATE TABLE IF NOT EXISTS orleans.grain_state (
    service_id                text NOT NULL,
    grain_type_hash           integer NOT NULL,
    grain_id_hash             integer NOT NULL,
    grain_type_string         text NOT NULL,
    grain_id_n0               bigint NOT NULL,
    grain_id_n1               bigint NOT NULL,
    grain_id_extension_string text,
    payload_binary            bytea,
    version                   integer NOT NULL,
    modified_at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT grain_state_key UNIQUE NULLS NOT DISTINCT (service_id, grain_type_hash, grain_id_hash, grain_type_string,
                                                          grain_id_n0, grain_id_n1, grain_id_extension_string)
);

-- Reminders: one row per grain and reminder name; grain_hash is the grain's uniform hash as a signed integer.
CREATE TABLE IF NOT EXISTS orleans.reminders (
    service_id    text NOT NULL,
    grain_id      text NOT NULL,
    reminder_name text NOT NULL,
    start_time    timestamptz NOT NULL,
    period        bigint NOT NULL,
    grain_hash    integer NOT NULL,
    version       integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX IF NOT EXISTS reminders_service_hash ON orleans.reminders (service_id, grain_hash);

-- Clustering: insert and update succeed only at the version read, and bump it; heartbeat_at is the database's clock.
INSERT INTO orleans.orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO orleans.membership_version (deployment_id, version) VALUES (@DeploymentId, 0)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*) = 1 FROM inserted
$q$),
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans.membership_version SET version = version + 1
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND NOT EXISTS (SELECT FROM orleans.membership
                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), inserted AS (
    INSERT INTO orleans.membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                    start_time, i_am_alive_time, heartbeat_at)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
           @StartTime, @IAmAliveTime, clock_timestamp()
    FROM bumped
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*) = 1 FROM inserted
$q$),
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans.membership_version SET version = version + 1
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND EXISTS (SELECT FROM orleans.membership
                  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), updated AS (
    UPDATE orleans.membership m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime, heartbeat_at = clock_timestamp()
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT count(*) = 1 FROM updated
$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans.membership
SET i_am_alive_time = @IAmAliveTime, heartbeat_at = clock_timestamp()
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
('MembershipReadRowKey', $q$
SELECT v.version AS Version, m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
       m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
       m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
FROM orleans.membership_version v
LEFT JOIN orleans.membership m
       ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
SELECT v.version AS Version, m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
       m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
       m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
FROM orleans.membership_version v
LEFT JOIN orleans.membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$q$),
('GatewaysQueryKey', $q$
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
FROM orleans.membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans.membership_version WHERE deployment_id = @DeploymentId
$q$),
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans.membership
WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

-- Persistence: write, clear and delete succeed only at the version read (the ETag); no row back is Orleans' conflict.
INSERT INTO orleans.orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payload_binary AS PayloadBinary, version AS Version
FROM orleans.grain_state
WHERE service_id = @ServiceId AND grain_type_hash = @GrainTypeHash AND grain_id_hash = @GrainIdHash
  AND grain_type_string = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans.grain_state
    SET payload_binary = @PayloadBinary, version = version + 1, modified_at = clock_timestamp()
    WHERE service_id = @ServiceId AND grain_type_hash = @GrainTypeHash AND grain_id_hash = @GrainIdHash
      AND grain_type_string = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans.grain_state (service_id, grain_type_hash, grain_id_hash, grain_type_string, grain_id_n0, grain_id_n1,
                                     grain_id_extension_string, payload_binary, version)
    SELECT @ServiceId, @GrainTypeHash, @GrainIdHash, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT grain_state_key DO NOTHING
    RETURNING version
)
SELECT version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT version FROM inserted
$q$),
('ClearStorageKey', $q$
UPDATE orleans.grain_state
SET payload_binary = NULL, version = version + 1, modified_at = clock_timestamp()
WHERE service_id = @ServiceId AND grain_type_hash = @GrainTypeHash AND grain_id_hash = @GrainIdHash
  AND grain_type_string = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
$q$),
('DeleteStorageKey', $q$
DELETE FROM orleans.grain_state
WHERE service_id = @ServiceId AND grain_type_hash = @GrainTypeHash AND grain_id_hash = @GrainIdHash
  AND grain_type_string = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

-- Reminders: range reads take (BeginHash, EndHash] in signed order; ReadRangeRows2Key is the range that wraps around.
INSERT INTO orleans.orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
INSERT INTO orleans.reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time, period = EXCLUDED.period, grain_hash = EXCLUDED.grain_hash,
    version = orleans.reminders.version + 1
RETURNING version AS Version
$q$),
('ReadReminderRowsKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM orleans.reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),
('ReadReminderRowKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM orleans.reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),
('ReadRangeRows1Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM orleans.reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),
('ReadRangeRows2Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM orleans.reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans.reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1
)
SELECT count(*) = 1 FROM deleted
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleans.reminders WHERE service_id = @ServiceId
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
