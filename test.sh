#!/usr/bin/env bash
# Runs every test against a real PostgreSQL: a private server the tests start (PostgreSQL's own
# programs, installed here if missing and we are root), or the server in CONTROLPLANE_TEST_PG.
# PgBouncer (for the pooler isolation test) and Chromium with playwright-core (for the dashboard's browser test)
# are installed the same way.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
need_dotnet
if [ -z "${CONTROLPLANE_TEST_PG:-}" ]; then
  need_postgres
fi
need_pgbouncer
need_browser_test
results="$PWD/artifacts/test-results"
rm -rf "$results"
dotnet build ControlPlane.sln -c Release -nologo -v quiet -clp:ErrorsOnly
status=0
dotnet test ControlPlane.sln -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m || status=$?
# One closing line over all test projects, counted from their result files.
python3 - "$results" <<'PY' || true
import glob, re, sys
totals = {"passed": 0, "failed": 0, "notExecuted": 0}
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = re.search(r"<Counters [^>]*>", open(path, encoding="utf-8").read())
    for key in totals:
        found = re.search(key + r'="(\d+)"', counters.group(0)) if counters else None
        totals[key] += int(found.group(1)) if found else 0
print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['notExecuted']} skipped")
PY
exit $status
