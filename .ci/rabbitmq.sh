#!/usr/bin/env bash
# Makes a RabbitMQ node with the stream plugin answer on localhost:5552. Idempotent.
#
#   bash .ci/rabbitmq.sh            # install if absent, enable plugins, start if not running, wait
#
# - Installs rabbitmq-server from the Debian packages when it is absent (needs root or sudo).
# - Enables rabbitmq_stream and rabbitmq_management (online when a node runs: never restarts it).
# - Starts a node in the background only when none runs, and writes its OS pid to
#   $COURSEPULSE_RABBITMQ_PIDFILE (default .ci/rabbitmq.pid) so the caller can stop only what this
#   script started:   [ -f .ci/rabbitmq.pid ] && rabbitmqctl stop  (or kill "$(cat .ci/rabbitmq.pid)")
#   A node that was already running is never recorded, so it is never stopped by the caller.
# - Waits (at most RABBITMQ_WAIT_SECONDS, default 90) for the stream port, then prints the version.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pidfile="${COURSEPULSE_RABBITMQ_PIDFILE:-$here/rabbitmq.pid}"
wait_seconds="${RABBITMQ_WAIT_SECONDS:-90}"
stream_port="${RABBITMQ_STREAM_PORT:-5552}"

log() { echo "rabbitmq.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    log "need root (or sudo) to run: $*"; exit 1
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node_running() { as_root rabbitmqctl -q status >/dev/null 2>&1; }

# 1. Install from the Debian packages when absent.
if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
  log "rabbitmq-server not installed: installing the Debian package"
  # Keep the package's post-install from starting a node through the init system (absent in
  # containers); this script starts it itself. Only added when no policy exists, removed after.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server
  if [ "$policy_added" -eq 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
fi
export PATH="$PATH:/usr/sbin:/usr/lib/rabbitmq/bin"

# 2. Plugins. Offline enabling only edits the enabled_plugins file (read at start); online enabling
#    activates them in the running node without a restart.
plugins=(rabbitmq_stream rabbitmq_management)
if node_running; then
  log "a node is running: enabling ${plugins[*]} online (no restart)"
  as_root rabbitmq-plugins enable "${plugins[@]}" >/dev/null
else
  as_root rabbitmq-plugins enable --offline "${plugins[@]}" >/dev/null
  log "no node running: starting one in the background"
  # As the rabbitmq user when it exists (the package's layout), so files keep their owner.
  if id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    runner=(su rabbitmq -s /bin/sh -c "exec /usr/sbin/rabbitmq-server")
  else
    runner=(as_root rabbitmq-server)
  fi
  nohup "${runner[@]}" >"$here/rabbitmq.log" 2>&1 &
  echo "$!" >"$pidfile"
  log "started (launcher pid $(cat "$pidfile"), log $here/rabbitmq.log); stop it with 'rabbitmqctl stop'"
fi

# 3. Wait for the stream port.
deadline=$((SECONDS + wait_seconds))
until port_open "$stream_port"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "the stream port $stream_port did not open within ${wait_seconds}s"
    [ -f "$here/rabbitmq.log" ] && tail -n 30 "$here/rabbitmq.log" >&2
    exit 1
  fi
  sleep 1
done

version="$(as_root rabbitmqctl -q version 2>/dev/null || echo unknown)"
echo "RabbitMQ $version: stream port $stream_port open"
