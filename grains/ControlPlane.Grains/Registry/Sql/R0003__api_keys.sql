-- Platform API keys. Only a SHA-256 hash of each secret is kept (secrets are 256 random bits, so a slow hash adds
-- nothing); the secret is shown once when the key is created. Tenant roles get no privilege here, like the rest of
-- the registry schema.
CREATE TABLE controlplane.api_keys (
    id         uuid PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope      text NOT NULL CHECK (scope IN ('platform:admin', 'platform:read') OR scope ~ '^tenant:[a-z][a-z0-9_]{0,55}$'),
    prefix     text NOT NULL,
    key_hash   bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by text,
    revoked_at timestamptz
);
CREATE UNIQUE INDEX api_keys_live_name ON controlplane.api_keys (name) WHERE revoked_at IS NULL;
