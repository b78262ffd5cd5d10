-- Base data, run once per tenant in its schema, in the same transaction that marks the tenant Seeded.
-- Plain INSERTs on purpose: a second run would violate the unique keys rather than pass unnoticed.
-- The settings controlplane.tenant_display_name and controlplane.tenant_slug are bound by the control plane.

INSERT INTO cloud_providers (code, name) VALUES
    ('aws', 'AWS'), ('azure', 'Azure'), ('gcp', 'GCP'), ('on_premise', 'On-Premise'),
    ('digitalocean', 'DigitalOcean'), ('oracle_cloud', 'Oracle Cloud');

INSERT INTO registry_providers (code, name) VALUES
    ('dockerhub', 'DockerHub'), ('aws_ecr', 'AWS ECR'), ('gcp_gcr', 'GCP GCR'), ('azure_acr', 'Azure ACR'),
    ('github_cr', 'GitHub CR'), ('gitlab_cr', 'GitLab CR'), ('harbor', 'Harbor'), ('jfrog', 'JFrog');

INSERT INTO service_types (code, name) VALUES
    ('api', 'API'), ('worker', 'Worker'), ('frontend', 'Frontend'), ('database', 'Database'),
    ('cache', 'Cache'), ('message_queue', 'Message Queue'), ('microservice', 'Microservice');

INSERT INTO teams (name, description) VALUES (
    current_setting('controlplane.tenant_display_name') || ' Platform',
    'Default team of ' || current_setting('controlplane.tenant_display_name') || ', created at onboarding.');

INSERT INTO environments (name, description) VALUES
    ('development', 'Development environment of ' || current_setting('controlplane.tenant_display_name')),
    ('staging', 'Staging environment of ' || current_setting('controlplane.tenant_display_name')),
    ('production', 'Production environment of ' || current_setting('controlplane.tenant_display_name'));

INSERT INTO tags (name, color) VALUES ('critical', '#d73a49'), ('internal', '#0366d6'), ('deprecated', '#6a737d');
