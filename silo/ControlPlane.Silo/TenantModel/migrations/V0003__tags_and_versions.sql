CREATE TABLE tags (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(name) > 0),
    color      text CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE component_tags (
    component_id bigint NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    tag_id       bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (component_id, tag_id)
);
CREATE INDEX component_tags_tag_id_idx ON component_tags (tag_id);

CREATE TABLE versions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    component_id   bigint NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    environment_id bigint NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    version        text NOT NULL CHECK (length(version) > 0),
    notes          text,
    deployed_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (component_id, environment_id, version)
);
CREATE INDEX versions_environment_id_idx ON versions (environment_id);
