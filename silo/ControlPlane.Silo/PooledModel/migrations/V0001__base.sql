-- The example base model of TenantModel/migrations/V0001, for the pooled tier: the same tables shared by every pooled
-- tenant, each row carrying its tenant_id (docs/tiers.md). tenant_id leads every primary key, unique constraint,
-- foreign key and index, so no tenant's keys or unique values collide with another's, and every lookup of one tenant's
-- rows is an index range. It defaults to the transaction's tenant context, so the schema tier's seed and its INSERTs
-- run here unchanged. The control plane adds the row-level security policy to every table with a tenant_id column
-- after each migration (and in shadow mode leaves it defined but not enforced).
-- Runs as the pooled schema's owner role with search_path set to the pooled schema.

CREATE TABLE cloud_providers (
    tenant_id text NOT NULL DEFAULT current_tenant(),
    id        integer GENERATED ALWAYS AS IDENTITY,
    code      text NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE registry_providers (
    tenant_id text NOT NULL DEFAULT current_tenant(),
    id        integer GENERATED ALWAYS AS IDENTITY,
    code      text NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE service_types (
    tenant_id text NOT NULL DEFAULT current_tenant(),
    id        integer GENERATED ALWAYS AS IDENTITY,
    code      text NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE teams (
    tenant_id   text NOT NULL DEFAULT current_tenant(),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    name        text NOT NULL CHECK (length(name) > 0),
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

-- ON DELETE SET NULL (team_id): a tenant's user outlives its team, and tenant_id, part of the key, is never nulled.
CREATE TABLE users (
    tenant_id  text NOT NULL DEFAULT current_tenant(),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    email      text NOT NULL CHECK (position('@' IN email) > 1),
    name       text NOT NULL CHECK (length(name) > 0),
    role       text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    team_id    bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE SET NULL (team_id)
);
CREATE UNIQUE INDEX users_email_key ON users (tenant_id, lower(email));
CREATE INDEX users_team_id_idx ON users (tenant_id, team_id);
