-- TenantModel/migrations/V0002 for the pooled tier (see V0001 for the rules every pooled table follows).
CREATE TABLE environments (
    tenant_id         text NOT NULL DEFAULT current_tenant(),
    id                bigint GENERATED ALWAYS AS IDENTITY,
    name              text NOT NULL CHECK (length(name) > 0),
    description       text,
    cloud_provider_id integer,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, cloud_provider_id) REFERENCES cloud_providers (tenant_id, id)
);

CREATE TABLE components (
    tenant_id            text NOT NULL DEFAULT current_tenant(),
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    name                 text NOT NULL CHECK (length(name) > 0),
    description          text,
    team_id              bigint,
    service_type_id      integer,
    registry_provider_id integer,
    repository_url       text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE SET NULL (team_id),
    FOREIGN KEY (tenant_id, service_type_id) REFERENCES service_types (tenant_id, id),
    FOREIGN KEY (tenant_id, registry_provider_id) REFERENCES registry_providers (tenant_id, id)
);
CREATE INDEX components_team_id_idx ON components (tenant_id, team_id);
