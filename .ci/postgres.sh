#!/usr/bin/env bash
# Makes a private PostgreSQL cluster answer on 127.0.0.1:25432 for the tests. Idempotent.
#
#   eval "$(bash .ci/postgres.sh)"   # install if absent, start if not running, create role and db
#
# - Installs Debian's postgresql package when no server binaries exist (needs root or sudo); the
#   package's own cluster (port 5432) is never started or touched.
# - Uses a private cluster in $COURSEPULSE_PGDATA (default /var/lib/postgresql/coursepulse-ci as
#   root, ~/.cache/coursepulse-pg otherwise) on $COURSEPULSE_PG_PORT (default 25432), so it never
#   clashes with a system cluster. Local (socket) connections are trusted, the socket lives inside
#   the data directory (mode 0700); TCP connections need a password (scram-sha-256).
# - Starts it only when nothing answers on the port, and then writes the postmaster's pid to
#   $COURSEPULSE_PG_PIDFILE (default .ci/postgres.pid), so the caller stops only what this script
#   started:   [ -f .ci/postgres.pid ] && kill -INT "$(head -n1 "$COURSEPULSE_PGDATA/postmaster.pid")"
#   (fast shutdown; read the live pid from the data directory, since tests may restart the server).
# - Creates the login role $COURSEPULSE_PG_USER (default coursepulse, password
#   $COURSEPULSE_PG_PASSWORD, default coursepulse; CREATEDB so tests get a database per class)
#   and its database, if absent.
# - Prints shell export lines on stdout (everything else goes to stderr):
#   COURSEPULSE_JDBC_URL, COURSEPULSE_JDBC_USER, COURSEPULSE_JDBC_PASSWORD, COURSEPULSE_PGDATA,
#   COURSEPULSE_PG_BINDIR (the last two let tests restart the cluster).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pidfile="${COURSEPULSE_PG_PIDFILE:-$here/postgres.pid}"
# Below Linux's ephemeral range (32768-60999): 55432 lay inside it, and a long-lived connection
# (the RabbitMQ cluster's Erlang distribution, started just before) held it as its local port for
# longer than the retries below waited (CI, session 48).
port="${COURSEPULSE_PG_PORT:-25432}"
role="${COURSEPULSE_PG_USER:-coursepulse}"
password="${COURSEPULSE_PG_PASSWORD:-coursepulse}"
database="${COURSEPULSE_PG_DATABASE:-coursepulse}"
wait_seconds="${POSTGRES_WAIT_SECONDS:-60}"

log() { echo "postgres.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    log "need root (or sudo) to run: $*"; exit 1
  fi
}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# 1. Install from the Debian packages when absent.
if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
  log "PostgreSQL server not installed: installing the Debian package"
  # Keep the package's post-install from starting its own cluster through the init system;
  # this script runs a private cluster instead. Only added when no policy exists, removed after.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    postgresql postgresql-client >&2
  if [ "$policy_added" -eq 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
fi
bin="$(bindir)"

# 2. Who owns the cluster: the postgres system user when we are root (the server refuses to run
#    as root), else the current user.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  data="${COURSEPULSE_PGDATA:-/var/lib/postgresql/coursepulse-ci}"
  run() { runuser -u postgres -- "$@"; }
else
  owner="$(id -un)"
  data="${COURSEPULSE_PGDATA:-$HOME/.cache/coursepulse-pg}"
  run() { "$@"; }
fi

ready() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" >/dev/null 2>&1; }

# 3. Start the private cluster unless something answers on the port already.
if ready; then
  log "a server answers on 127.0.0.1:$port: using it (not recorded, so never stopped by the caller)"
else
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is taken by something that is not PostgreSQL: set COURSEPULSE_PG_PORT"; exit 1
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    log "creating a private cluster in $data (owner $owner)"
    mkdir -p "$data"
    if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$data"; fi
    chmod 0700 "$data"
    run "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  # Port, socket and address live in the cluster's configuration (not on the command line), so a
  # plain 'pg_ctl -D DIR start' (tests restart the server that way) brings back the same server.
  printf "port = %s\nunix_socket_directories = '%s'\nlisten_addresses = '127.0.0.1'\n" \
    "$port" "$data" | run tee "$data/coursepulse.conf" >/dev/null
  if ! grep -q "^include_if_exists = 'coursepulse.conf'" "$data/postgresql.conf"; then
    echo "include_if_exists = 'coursepulse.conf'" | run tee -a "$data/postgresql.conf" >/dev/null
  fi
  log "starting the private cluster on 127.0.0.1:$port"
  # A port given in COURSEPULSE_PG_PORT may lie in Linux's ephemeral range (32768-60999): a client
  # connection elsewhere on the machine can hold it as its local port for a moment, and the bind
  # fails ("Address already in use" with nothing listening). Such a start is retried; any other
  # failure is not.
  for attempt in 1 2 3 4 5; do
    logged=$(run cat "$data/server.log" 2>/dev/null | wc -l || echo 0)
    if run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t "$wait_seconds" start >&2; then
      break
    fi
    this_start=$(run tail -n +"$((logged + 1))" "$data/server.log" 2>/dev/null || true)
    printf '%s\n' "$this_start" | tail -n 30 >&2
    if [ "$attempt" -lt 5 ] && printf '%s\n' "$this_start" | grep -q "Address already in use"; then
      log "port $port was busy for a moment; starting again in 3 s (attempt $attempt of 5)"
      sleep 3
      continue
    fi
    exit 1
  done
  head -n 1 "$data/postmaster.pid" >"$pidfile"
  log "started (postmaster pid $(cat "$pidfile")); stop it with: kill -INT \"\$(cat $pidfile)\""
fi

deadline=$((SECONDS + wait_seconds))
until ready; do
  if [ "$SECONDS" -ge "$deadline" ]; then log "no answer on $port within ${wait_seconds}s"; exit 1; fi
  sleep 1
done

# 4. Role and database, through the trusted socket in the data directory (a server this script did
#    not create has no such socket: then it must already have the role and database).
if [ -S "$data/.s.PGSQL.$port" ]; then
  psql_admin() { run "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$data" -p "$port" -U postgres "$@"; }
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
    log "creating role $role"
    psql_admin -c "CREATE ROLE \"$role\" LOGIN CREATEDB PASSWORD '$password'"
  fi
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
    log "creating database $database"
    psql_admin -c "CREATE DATABASE \"$database\" OWNER \"$role\""
  fi
else
  log "no admin socket in $data: assuming role $role and database $database exist"
fi

version="$("$bin/postgres" --version)"
log "$version on 127.0.0.1:$port, database $database, role $role"
echo "export COURSEPULSE_JDBC_URL='jdbc:postgresql://127.0.0.1:$port/$database'"
echo "export COURSEPULSE_JDBC_USER='$role'"
echo "export COURSEPULSE_JDBC_PASSWORD='$password'"
echo "export COURSEPULSE_PGDATA='$data'"
echo "export COURSEPULSE_PG_BINDIR='$bin'"
