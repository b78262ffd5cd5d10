#!/usr/bin/env bash
# Runs the control plane: one silo serving http://127.0.0.1:5080, on its own private PostgreSQL
# (kept under .controlplane/) unless ConnectionStrings__ControlPlane names a server.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
need_dotnet
if [ -z "${ConnectionStrings__ControlPlane:-}" ]; then
  need_postgres
fi
export ControlPlane__StateDirectory="${ControlPlane__StateDirectory:-$PWD/.controlplane}"
dotnet build silo/ControlPlane.Silo/ControlPlane.Silo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
echo "Starting ControlPlane. Admin API key: ${ControlPlane__Auth__AdminApiKey:+from ControlPlane__Auth__AdminApiKey}${ControlPlane__Auth__AdminApiKey:-in $ControlPlane__StateDirectory/admin-api-key}"
exec dotnet silo/ControlPlane.Silo/bin/Release/net10.0/ControlPlane.Silo.dll "$@"
