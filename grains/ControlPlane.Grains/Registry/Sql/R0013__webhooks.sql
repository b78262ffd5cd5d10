-- Webhooks: subscriptions, an outbox of events written in the transaction of the change each reports, one delivery
-- per (event, subscribed webhook) fanned out in that same statement, and a record of every attempt. Only the control
-- plane's registry role reads them (the secrets sign deliveries, so they are kept as given, never shown).
CREATE TABLE controlplane.webhooks (
    id         uuid PRIMARY KEY,
    url        text NOT NULL,
    events     text[] NOT NULL CHECK (cardinality(events) > 0),
    secret     text NOT NULL CHECK (length(secret) BETWEEN 16 AND 256),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by text
);

-- The outbox. seq orders events as they were committed within a subject (a tenant or a rollout: each is written by
-- one writer at a time, under its row lock or lease); body is the exact JSON every attempt sends and signs.
CREATE TABLE controlplane.webhook_events (
    id          uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    type        text NOT NULL,
    subject     text NOT NULL,
    occurred_at timestamptz NOT NULL,
    body        text NOT NULL
);

-- What is still to send, and what became of it. A Pending delivery's next_attempt_at is also its claim: the
-- dispatcher pushes it past the request's timeout when it takes it, so a silo that dies mid-request leaves it due again.
CREATE TABLE controlplane.webhook_deliveries (
    webhook_id      uuid NOT NULL REFERENCES controlplane.webhooks (id) ON DELETE CASCADE,
    event_id        uuid NOT NULL REFERENCES controlplane.webhook_events (id),
    event_seq       bigint NOT NULL,
    subject         text NOT NULL,
    state           text NOT NULL DEFAULT 'Pending' CHECK (state IN ('Pending', 'Delivered', 'Expired')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at    timestamptz,
    PRIMARY KEY (webhook_id, event_id)
);
-- The dispatcher's two questions: what is due, and is an earlier event of the same subject still pending.
CREATE INDEX webhook_deliveries_due ON controlplane.webhook_deliveries (next_attempt_at) WHERE state = 'Pending';
CREATE INDEX webhook_deliveries_order ON controlplane.webhook_deliveries (webhook_id, subject, event_seq) WHERE state = 'Pending';

CREATE TABLE controlplane.webhook_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      uuid NOT NULL,
    event_id        uuid NOT NULL,
    attempt         integer NOT NULL,
    status_code     integer,
    latency_ms      double precision NOT NULL,
    error           text,
    next_attempt_at timestamptz,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (webhook_id, event_id) REFERENCES controlplane.webhook_deliveries (webhook_id, event_id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_newest ON controlplane.webhook_attempts (webhook_id, id DESC);

-- Wakes the dispatchers (they LISTEN) when a statement fanned out at least one delivery; NOTIFY is sent at commit, so
-- a rolled-back change wakes nobody.
CREATE FUNCTION controlplane.webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_deliveries) THEN
        PERFORM pg_catalog.pg_notify('controlplane_webhooks', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON controlplane.webhook_deliveries
    REFERENCING NEW TABLE AS new_deliveries FOR EACH STATEMENT EXECUTE FUNCTION controlplane.webhook_deliveries_notify();

REVOKE ALL ON controlplane.webhooks, controlplane.webhook_events, controlplane.webhook_deliveries, controlplane.webhook_attempts FROM PUBLIC;
