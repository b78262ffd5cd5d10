#!/usr/bin/env bash
# Checks the deploy files where no Docker engine or Kubernetes cluster is available:
#   1. every YAML file parses (docker-compose.yml, the collector config, the Kubernetes manifests);
#   2. the Orleans cluster wiring in docker-compose.yml: every silo has `restart:`, a fixed address on a network with
#      an ipam subnet, and Orleans__Endpoints__AdvertisedIPAddress equal to it, distinct and inside the subnet; the
#      silos agree on cluster id, service id and ports; nginx's upstream name is an alias of every silo;
#   3. the same in the Kubernetes manifests: the Deployment's silo/gateway ports, AdvertisedIPAddress from
#      status.podIP, probes, grace period, Orleans pod labels; the NetworkPolicy; kustomization lists every manifest;
#      no ControlPlane__Cluster__* setting (the removed home-made membership) anywhere;
#   4. `docker compose config` (or docker-compose) accepts the compose file, when either is installed;
#   5. the Kubernetes manifests render with kustomize (kubectl kustomize), when kubectl is installed;
#   6. the gateway's nginx.conf passes `nginx -t`, when nginx is installed;
#   7. the Dockerfile's build stage: the same restore and publish, from a context holding only what it COPYs.
# It cannot check that images pull, that containers start, that the silos form a cluster, or that the manifests are
# accepted by an API server.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== YAML parses, Orleans wiring"
python3 - <<'PY'
import glob, ipaddress, os, re, yaml

problems = []
def check(ok, message):
    if not ok:
        problems.append(message)
    return ok

files = ["docker-compose.yml", "deploy/otel-collector.yaml"] + sorted(glob.glob("deploy/kubernetes/*.yaml"))
manifests = {}
for f in files:
    docs = [d for d in yaml.safe_load_all(open(f)) if d]
    manifests[f] = docs
    print(f"  {f}: {', '.join(d.get('kind', 'ok') for d in docs)}")

def env_dict(environment):
    if isinstance(environment, list):
        return dict(e.split("=", 1) if "=" in e else (e, None) for e in environment)
    return dict(environment or {})

def seconds(value):
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(value))
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0) if m and value else 0

# --- docker-compose.yml ---------------------------------------------------------------------------------------
compose = manifests["docker-compose.yml"][0]
services = compose["services"]
networks = compose.get("networks") or {}
silos = {n: s for n, s in services.items()
         if (s.get("build") or {}).get("dockerfile") == "deploy/Dockerfile" or s.get("image", "").startswith("controlplane-silo")}
check(len(silos) == 3, f"three silo services in docker-compose.yml (found {sorted(silos)})")
upstream = re.search(r"set \$silos (\S+);", open("deploy/nginx.conf").read())
upstream = upstream.group(1) if upstream else None
check(upstream, "deploy/nginx.conf proxies to a name set in $silos")

addresses = {}
shared = {}
for name, s in sorted(silos.items()):
    env = env_dict(s.get("environment"))
    check(s.get("restart") in ("always", "unless-stopped"),
          f"{name}: restart is always or unless-stopped (a silo declared dead exits), found {s.get('restart')!r}")
    check((s.get("deploy") or {}).get("replicas", 1) == 1, f"{name}: one replica (a fixed address cannot be shared)")
    check("OTEL_EXPORTER_OTLP_ENDPOINT" in env, f"{name}: exports to the collector")
    check("ConnectionStrings__ControlPlane" in env, f"{name}: has ConnectionStrings__ControlPlane")
    check(seconds(s.get("stop_grace_period")) >= 60, f"{name}: stop_grace_period >= 60s for a graceful hand-over")
    for key in ("Orleans__ClusterId", "Orleans__ServiceId", "Orleans__Endpoints__SiloPort", "Orleans__Endpoints__GatewayPort"):
        shared.setdefault(key, set()).add(env.get(key))
    exposed = {str(p) for p in s.get("expose") or []}
    for key, default in (("Orleans__Endpoints__SiloPort", "11111"), ("Orleans__Endpoints__GatewayPort", "30000")):
        check(str(env.get(key) or default) in exposed, f"{name}: exposes {key} ({env.get(key) or default})")
    advertised = env.get("Orleans__Endpoints__AdvertisedIPAddress")
    if not check(advertised, f"{name}: sets Orleans__Endpoints__AdvertisedIPAddress"):
        continue
    try:
        ip = ipaddress.ip_address(str(advertised))
    except ValueError:
        check(False, f"{name}: AdvertisedIPAddress {advertised!r} is an IP address (Orleans takes no host name)")
        continue
    attached = s.get("networks") or {}
    on = [(n, c) for n, c in (attached.items() if isinstance(attached, dict) else []) if (c or {}).get("ipv4_address")]
    if not check(on, f"{name}: has a fixed ipv4_address on a network"):
        continue
    net_name, conf = on[0]
    check(ipaddress.ip_address(conf["ipv4_address"]) == ip,
          f"{name}: AdvertisedIPAddress {ip} is its ipv4_address on {net_name} ({conf['ipv4_address']})")
    check(upstream in (conf.get("aliases") or []), f"{name}: carries the alias {upstream!r} nginx proxies to")
    ipam = ((networks.get(net_name) or {}).get("ipam") or {}).get("config") or []
    if not check(ipam and ipam[0].get("subnet"), f"network {net_name}: has an ipam subnet"):
        continue
    subnet = ipaddress.ip_network(ipam[0]["subnet"])
    check(ip in subnet, f"{name}: {ip} inside {net_name}'s subnet {subnet}")
    check(ip not in (subnet.network_address, subnet.broadcast_address), f"{name}: {ip} is a host address of {subnet}")
    if ipam[0].get("gateway"):
        check(ip != ipaddress.ip_address(ipam[0]["gateway"]), f"{name}: {ip} is not the network's gateway")
    if ipam[0].get("ip_range"):
        check(ip not in ipaddress.ip_network(ipam[0]["ip_range"]),
              f"{name}: {ip} outside ip_range {ipam[0]['ip_range']} (kept for dynamic addresses)")
    addresses.setdefault(ip, []).append(name)
    print(f"  {name}: {ip} on {net_name} ({subnet}), restart {s['restart']}")
for ip, names in addresses.items():
    check(len(names) == 1, f"silos {names} share the address {ip}")
for key, values in shared.items():
    check(len(values) == 1, f"the silos agree on {key} (found {values})")
for name, service in services.items():
    check(name == "otel-collector" or "healthcheck" in service, f"{name} has a health check")
    check(not any(k.startswith("ControlPlane__Cluster__") for k in env_dict(service.get("environment"))),
          f"{name}: no ControlPlane__Cluster__* setting (membership is Orleans')")

# --- deploy/kubernetes ----------------------------------------------------------------------------------------
k8s = {}
for f, docs in manifests.items():
    if f.startswith("deploy/kubernetes/"):
        for d in docs:
            k8s.setdefault(d.get("kind"), []).append(d)
config = k8s["ConfigMap"][0]["data"]
deployment = k8s["Deployment"][0]
pod = deployment["spec"]["template"]
container = pod["spec"]["containers"][0]
ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
silo_port = int(config.get("Orleans__Endpoints__SiloPort", 11111))
gateway_port = int(config.get("Orleans__Endpoints__GatewayPort", 30000))
check(ports.get("http") == 8080, "Deployment: containerPort http 8080")
check(ports.get("silo") == silo_port, f"Deployment: containerPort silo {silo_port} (Orleans__Endpoints__SiloPort)")
check(ports.get("gateway") == gateway_port, f"Deployment: containerPort gateway {gateway_port} (Orleans__Endpoints__GatewayPort)")
env = {e["name"]: e for e in container.get("env") or []}
advertised = env.get("Orleans__Endpoints__AdvertisedIPAddress", {})
check(((advertised.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath") == "status.podIP",
      "Deployment: Orleans__Endpoints__AdvertisedIPAddress from the downward API status.podIP")
check(pod["spec"].get("restartPolicy", "Always") == "Always", "Deployment: restartPolicy Always")
check(pod["spec"].get("terminationGracePeriodSeconds", 30) >= 60, "Deployment: terminationGracePeriodSeconds >= 60")
check(((container.get("livenessProbe") or {}).get("httpGet") or {}).get("path") == "/health/live", "Deployment: liveness on /health/live")
check(((container.get("readinessProbe") or {}).get("httpGet") or {}).get("path") == "/health/ready", "Deployment: readiness on /health/ready")
labels = pod["metadata"].get("labels") or {}
for label, key in (("orleans/serviceId", "Orleans__ServiceId"), ("orleans/clusterId", "Orleans__ClusterId")):
    if label in labels:
        check(labels[label] == config.get(key, "controlplane"), f"Deployment: pod label {label} matches {key}")
app = deployment["spec"]["selector"]["matchLabels"]
keys = set(config) | set(env)
for secret in k8s.get("Secret", []):
    keys |= set(secret.get("stringData") or {}) | set(secret.get("data") or {})
check(not any(k.startswith("ControlPlane__Cluster__") for k in keys), "Kubernetes: no ControlPlane__Cluster__* setting")
source = ((advertised.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
print(f"  Deployment: ports {ports}, AdvertisedIPAddress from {source}, grace {pod['spec'].get('terminationGracePeriodSeconds')} s")

policies = k8s.get("NetworkPolicy", [])
if check(policies, "Kubernetes: a NetworkPolicy for the silos"):
    policy = policies[0]["spec"]
    check(policy.get("podSelector", {}).get("matchLabels") == app, "NetworkPolicy: selects the Deployment's pods")
    check("Ingress" in policy.get("policyTypes", []), "NetworkPolicy: restricts ingress")
    orleans_ports = {silo_port, gateway_port}
    open_to = {}
    for rule in policy.get("ingress", []):
        rule_ports = {p.get("port") for p in rule.get("ports") or []} or {"all"}
        peers = rule.get("from")
        for p in rule_ports:
            open_to.setdefault(p, []).append(peers)
    for p in orleans_ports:
        check(open_to.get(p) and all(peers == [{"podSelector": {"matchLabels": app}}] for peers in open_to[p]),
              f"NetworkPolicy: port {p} open only to the silo pods")
    check("all" not in open_to, "NetworkPolicy: no rule opens every port")
    check(8080 in open_to, "NetworkPolicy: HTTP 8080 open")
    print(f"  NetworkPolicy: {sorted(orleans_ports)} from silo pods only, 8080 open")

kustomization = yaml.safe_load(open("deploy/kubernetes/kustomization.yaml"))
listed = set(kustomization.get("resources") or [])
present = {os.path.basename(f) for f in glob.glob("deploy/kubernetes/*.yaml")} - {"kustomization.yaml"}
check(listed == present, f"kustomization.yaml lists every manifest (missing {present - listed}, extra {listed - present})")

if problems:
    print("FAILED:")
    for p in problems:
        print(f"  - {p}")
    raise SystemExit(1)
PY

if docker compose version >/dev/null 2>&1; then
  echo "== docker compose config"
  POSTGRES_PASSWORD=x CONTROLPLANE_ADMIN_KEY=x docker compose -f docker-compose.yml config -q && echo "  docker-compose.yml ok"
elif command -v docker-compose >/dev/null; then
  echo "== docker-compose config ($(docker-compose version --short 2>/dev/null || echo v1))"
  POSTGRES_PASSWORD=x CONTROLPLANE_ADMIN_KEY=x docker-compose -f docker-compose.yml config -q && echo "  docker-compose.yml ok"
else
  echo "== neither docker compose nor docker-compose installed: docker-compose.yml only parsed"
fi

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
  if ! (cd "$context" && eval "$step" -nologo -v quiet -clp:ErrorsOnly >"$context/step.log" 2>&1); then
    sed 's/^/    /' "$context/step.log" | tail -40
    echo "  FAILED: $step"
    exit 1
  fi
done
test -f "$context/app/ControlPlane.Silo.dll" && echo "  published ControlPlane.Silo.dll"
