-- TenantModel/migrations/V0003 for the pooled tier (see V0001 for the rules every pooled table follows).
CREATE TABLE tags (
    tenant_id  text NOT NULL DEFAULT current_tenant(),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    name       text NOT NULL CHECK (length(name) > 0),
    color      text CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE component_tags (
    tenant_id    text NOT NULL DEFAULT current_tenant(),
    component_id bigint NOT NULL,
    tag_id       bigint NOT NULL,
    PRIMARY KEY (tenant_id, component_id, tag_id),
    FOREIGN KEY (tenant_id, component_id) REFERENCES components (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tag_id) REFERENCES tags (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX component_tags_tag_id_idx ON component_tags (tenant_id, tag_id);

CREATE TABLE versions (
    tenant_id      text NOT NULL DEFAULT current_tenant(),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    component_id   bigint NOT NULL,
    environment_id bigint NOT NULL,
    version        text NOT NULL CHECK (length(version) > 0),
    notes          text,
    deployed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, component_id, environment_id, version),
    FOREIGN KEY (tenant_id, component_id) REFERENCES components (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, environment_id) REFERENCES environments (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX versions_environment_id_idx ON versions (tenant_id, environment_id);
