#!/usr/bin/env bash
# Checks the deploy files where no Docker engine or Kubernetes cluster is available:
#   1. every YAML file parses (docker-compose.yml, the collector config, the Kubernetes manifests);
#   2. the Kubernetes manifests render with kustomize (kubectl kustomize), when kubectl is installed;
#   3. the gateway's nginx.conf passes `nginx -t`, when nginx is installed;
#   4. the Dockerfile's build stage: the same restore and publish, from a context holding only what it COPYs.
# It cannot check that images pull, that containers start, or that the manifests are accepted by an API server.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== YAML parses"
python3 - <<'PY'
import glob, yaml
files = ["docker-compose.yml", "deploy/otel-collector.yaml"] + sorted(glob.glob("deploy/kubernetes/*.yaml"))
for f in files:
    docs = [d for d in yaml.safe_load_all(open(f)) if d]
    print(f"  {f}: {', '.join(d.get('kind', 'ok') for d in docs)}")
compose = yaml.safe_load(open("docker-compose.yml"))
assert compose["services"]["silo"]["deploy"]["replicas"] == 3, "three silo replicas"
assert "OTEL_EXPORTER_OTLP_ENDPOINT" in compose["services"]["silo"]["environment"], "silos export to the collector"
for name, service in compose["services"].items():
    assert name == "otel-collector" or "healthcheck" in service, f"{name} has a health check"
PY

if command -v kubectl >/dev/null; then
  echo "== kubectl kustomize deploy/kubernetes"
  kubectl kustomize deploy/kubernetes | grep '^kind:' | sed 's/^/  /'
else
  echo "== kubectl not installed: Kubernetes manifests only parsed"
fi

if command -v nginx >/dev/null; then
  echo "== nginx -t"
  nginx -t -q -c "$PWD/deploy/nginx.conf" -p "$(mktemp -d)/" && echo "  deploy/nginx.conf ok"
else
  echo "== nginx not installed: deploy/nginx.conf only read"
fi

echo "== Dockerfile build stage, without Docker"
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
# The files the build stage COPYs, and nothing else (as .dockerignore leaves them).
cp global.json Directory.Build.props Directory.Packages.props .editorconfig "$context"/
for dir in silo grains api; do
  (cd "$dir" && find . -type f -not -path '*/bin/*' -not -path '*/obj/*' | while read -r f; do mkdir -p "$context/$dir/$(dirname "$f")"; cp "$f" "$context/$dir/$f"; done)
done
grep -E '^RUN dotnet ' deploy/Dockerfile | sed 's/^RUN //' | sed "s| -o /app | -o $context/app |" | while read -r step; do
  echo "  $step"
  (cd "$context" && eval "$step" -nologo -v quiet >/dev/null)
done
test -f "$context/app/ControlPlane.Silo.dll" && echo "  published ControlPlane.Silo.dll"
