#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: checks for the .NET SDK and PostgreSQL's server programs,
# installing PostgreSQL with apt-get when it is missing and we are root. Sourced, not run.

need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is not installed (dotnet is not on PATH). Install it from https://dot.net, then run this again." >&2
    exit 1
  fi
  if ! dotnet --list-sdks | grep -q '^10\.'; then
    echo "error: ControlPlane needs the .NET 10 SDK; found: $(dotnet --list-sdks | tr '\n' ' ')" >&2
    exit 1
  fi
}

postgres_bin_dir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

need_postgres() {
  if postgres_bin_dir >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL's server programs are missing; installing them with apt-get..."
    # Only the binaries are wanted: ControlPlane runs its own private cluster, not the distribution's.
    mkdir -p /etc/postgresql-common
    if [ ! -f /etc/postgresql-common/createcluster.conf ] || ! grep -q '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
      echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    postgres_bin_dir >/dev/null && return 0
  fi
  echo "error: PostgreSQL's server programs (initdb, pg_ctl) are not installed." >&2
  echo "       Install them (Debian/Ubuntu: sudo apt-get install postgresql), or point ControlPlane at an existing server:" >&2
  echo "       ConnectionStrings__ControlPlane=... for ./run.sh, CONTROLPLANE_TEST_PG=... for ./test.sh" >&2
  exit 1
}

# Debian's PgBouncer, for the test that puts a transaction-mode pooler between tenant pools and PostgreSQL.
# Only the binary is used: the test writes its own config and starts it (as postgres when root); the distribution's
# service is left stopped.
need_pgbouncer() {
  if [ -x /usr/sbin/pgbouncer ]; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "PgBouncer is missing; installing it with apt-get..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
    [ -x /usr/sbin/pgbouncer ] && return 0
  fi
  echo "error: PgBouncer is not installed (Debian/Ubuntu: sudo apt-get install pgbouncer); the pooler isolation test needs it." >&2
  exit 1
}

# Debian's wrk, the load generator of the tenant-reads benchmark (a second process on loopback).
need_wrk() {
  if command -v wrk >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "wrk is missing; installing it with apt-get..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    command -v wrk >/dev/null 2>&1 && return 0
  fi
  echo "error: wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk); the tenant-reads benchmark needs it." >&2
  exit 1
}

# Debian's Chromium and the playwright-core package (npm, pinned by tests/browser/package-lock.json), for the test that
# drives the dashboard in a real headless browser. Playwright's own browser download is never used.
need_browser_test() {
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "Chromium is missing; installing Debian's chromium with apt-get..."
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    if [ ! -x /usr/bin/chromium ]; then
      echo "error: Chromium is not installed (Debian/Ubuntu: sudo apt-get install chromium); the dashboard's browser test needs it." >&2
      exit 1
    fi
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "Node.js is missing; installing Debian's nodejs and npm with apt-get..."
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
      echo "error: Node.js and npm are not installed (Debian/Ubuntu: sudo apt-get install nodejs npm); the dashboard's browser test runs playwright-core under node." >&2
      exit 1
    fi
  fi
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    echo "Installing playwright-core for the browser test (npm ci in tests/browser)..."
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}
