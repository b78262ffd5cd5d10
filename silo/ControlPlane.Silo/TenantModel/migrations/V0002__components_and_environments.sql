CREATE TABLE environments (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text NOT NULL UNIQUE CHECK (length(name) > 0),
    description       text,
    cloud_provider_id integer REFERENCES cloud_providers (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE components (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text NOT NULL UNIQUE CHECK (length(name) > 0),
    description          text,
    team_id              bigint REFERENCES teams (id) ON DELETE SET NULL,
    service_type_id      integer REFERENCES service_types (id),
    registry_provider_id integer REFERENCES registry_providers (id),
    repository_url       text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX components_team_id_idx ON components (team_id);
