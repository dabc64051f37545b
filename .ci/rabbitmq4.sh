#!/usr/bin/env bash
# A RabbitMQ 4.0 node (Debian trixie's rabbitmq-server) beside the 3.10 node, in a debootstrap
# root, for the tests that need RabbitMQ 3.11+ (super streams, single active consumer, stream
# statistics). Idempotent; needs root.
#
#   eval "$(bash .ci/rabbitmq4.sh)"        # build the root if absent, start the node if not running
#   bash .ci/rabbitmq4.sh stop             # stop the node, only if this script started it
#   bash .ci/rabbitmq4.sh ctl list_vhosts  # rabbitmqctl inside the root (it holds the cookie)
#   bash .ci/rabbitmq4.sh root             # only build (or restore) the root and its cookie
#                                          # (.ci/rabbitmq4-cluster.sh runs its nodes from it)
#
# - Root: `debootstrap --variant=minbase trixie` into $COURSEPULSE_RABBITMQ4_ROOT (default
#   /var/cache/coursepulse/trixie-rabbitmq), then `apt-get install --no-install-recommends
#   rabbitmq-server` inside it with a policy-rc.d that exits 101 (no service start during install).
#   Built once: a complete root carries a marker file and is reused. With
#   COURSEPULSE_RABBITMQ4_TARBALL=1 a zstd tarball of the finished root is kept next to it
#   (<root>.tar.zst) and a missing root is restored from it in about a second.
# - Node: rabbit4@localhost, AMQP 5682, stream 5553 (advertised as localhost:5553), management
#   15673, distribution 25682, its own epmd on 4370; nothing it uses clashes with the 3.10 node
#   (5552/5672/15672/25672, epmd 4369), which this script never touches. Started as the root's
#   rabbitmq user directly (not Debian's wrapper, which lowers the open-files limit to 1024), inside
#   a private mount namespace with /proc mounted in the root, so nothing stays mounted on the host.
# - Starts only when nothing answers on the stream port, and then writes the node's OS pid to
#   $COURSEPULSE_RABBITMQ4_PIDFILE (default .ci/rabbitmq4.pid); `stop` acts only when that file
#   exists (rabbitmqctl stop inside the root, then `epmd -port 4370 -kill`).
# - Waits (at most RABBITMQ4_WAIT_SECONDS, default 120) for the stream port, then prints the
#   version and URI on stderr, and on stdout the export lines: COURSEPULSE_RABBITMQ4_URI,
#   COURSEPULSE_RABBITMQ4_MANAGEMENT_URL, COURSEPULSE_RABBITMQ4_CTL (a command prefix that runs
#   rabbitmqctl inside the root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${COURSEPULSE_RABBITMQ4_ROOT:-/var/cache/coursepulse/trixie-rabbitmq}"
pidfile="${COURSEPULSE_RABBITMQ4_PIDFILE:-$here/rabbitmq4.pid}"
wait_seconds="${RABBITMQ4_WAIT_SECONDS:-120}"
mirror="${COURSEPULSE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node="rabbit4@localhost"
amqp_port=5682
stream_port=5553
mgmt_port=15673
dist_port=25682
epmd_port=4370
marker=".coursepulse-rabbitmq4-ready"
tarball="$root.tar.zst"
logfile="$(dirname "$root")/$(basename "$root").log"

log() { echo "rabbitmq4.sh: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, unshare)"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs a command inside the root with /proc mounted, in a private mount namespace: the mount
# vanishes with the namespace's last process, so the host never keeps it.
in_root() {
  unshare --mount --propagation private -- /bin/sh -c \
    'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}

# rabbitmqctl inside the root, as root: it reads /etc/rabbitmq/rabbitmq-env.conf (node name, epmd
# port) and root's copy of the node's cookie.
ctl() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin ERL_EPMD_PORT="$epmd_port" \
    /usr/lib/rabbitmq/bin/rabbitmqctl "$@"
}

stop_node() {
  if [ ! -f "$pidfile" ]; then
    log "no pid file $pidfile: the node was not started by this script, leaving it alone"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  log "stopping $node (pid $pid)"
  ctl -q stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "pid $pid still alive after 60 s: killing"; kill -9 "$pid" || true; break; fi
    sleep 0.5
  done
  # The node's own epmd (port 4370) outlives the node; the 3.10 node's epmd (4369) is not touched.
  chroot "$root" /usr/bin/env ERL_EPMD_PORT="$epmd_port" epmd -port "$epmd_port" -kill >/dev/null 2>&1 || true
  rm -f "$pidfile"
  log "stopped"
}

# 1. The root: reuse, restore from the tarball, or build.
ensure_root() {
if [ ! -f "$root/$marker" ] && [ -f "$tarball" ]; then
  log "restoring $root from $tarball"
  rm -rf "$root"; mkdir -p "$root"
  tar --zstd -xpf "$tarball" -C "$root" || { rm -rf "$root"; log "tarball unusable: rebuilding"; }
fi
if [ ! -f "$root/$marker" ]; then
  started=$SECONDS
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
           && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2; }
  fi
  build="$root.partial"
  rm -rf "$build"; mkdir -p "$(dirname "$root")"
  log "debootstrap --variant=minbase trixie $build (about 30 s)"
  debootstrap --variant=minbase trixie "$build" "$mirror" >&2 \
    || { tail -n 20 "$build/debootstrap/debootstrap.log" >&2 2>/dev/null; die "debootstrap failed"; }
  printf '#!/bin/sh\nexit 101\n' >"$build/usr/sbin/policy-rc.d"
  chmod +x "$build/usr/sbin/policy-rc.d"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"$build/etc/hosts"
  cp /etc/resolv.conf "$build/etc/resolv.conf"
  log "apt-get install --no-install-recommends rabbitmq-server (inside the root)"
  root="$build" in_root /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends rabbitmq-server && apt-get clean' >&2 \
    || die "installing rabbitmq-server in the root failed"
  # The root is built; from here on it only ever runs the node.
  rm -rf "$root"; mv "$build" "$root"
  touch "$root/$marker"
  log "root built in $((SECONDS - started)) s ($(du -sh "$root" | cut -f1))"
fi

# One cookie for the node (its user's home) and the CLI run as root inside the root.
cookie="$root/var/lib/rabbitmq/.erlang.cookie"
if [ ! -s "$cookie" ]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F' >"$cookie"
fi
rabbit_ids="$(chroot "$root" id -u rabbitmq):$(chroot "$root" id -g rabbitmq)"
chown "$rabbit_ids" "$cookie"; chmod 400 "$cookie"
install -m 400 "$cookie" "$root/root/.erlang.cookie"
}

case "${1:-start}" in
  stop) stop_node; exit 0 ;;
  ctl) shift; [ -f "$root/$marker" ] || die "no RabbitMQ 4 root at $root"; ctl "$@"; exit $? ;;
  root) ensure_root; exit 0 ;;
  start) ensure_root ;;
  *) die "usage: $0 [start|stop|root|ctl ARGS...]" ;;
esac

version="$(chroot "$root" dpkg-query -W -f='${Version}' rabbitmq-server)"
plugins_dir="$(ls -d "$root"/usr/lib/rabbitmq/lib/rabbitmq_server-*/plugins | sort -V | tail -n 1)"
plugins_dir="${plugins_dir#"$root"}"

# 2. Configuration, rewritten on every run so a changed script applies to a cached root.
cat >"$root/etc/rabbitmq/rabbitmq-env.conf" <<EOF
# Written by coursepulse .ci/rabbitmq4.sh: a node beside the 3.10 one, on its own ports.
NODENAME=$node
NODE_PORT=$amqp_port
DIST_PORT=$dist_port
# The CLI's own distribution ports, clear of the 3.10 node's CLI range (35672-35682).
export RABBITMQ_CTL_DIST_PORT_MIN=35700
export RABBITMQ_CTL_DIST_PORT_MAX=35710
# Its own epmd: the host's epmd (4369) belongs to the 3.10 node.
export ERL_EPMD_PORT=$epmd_port
# Debian's CLI finds the plugins' commands (rabbitmq-streams) only with the versioned folder.
PLUGINS_DIR=$plugins_dir
EOF
cat >"$root/etc/rabbitmq/rabbitmq.conf" <<EOF
# Written by coursepulse .ci/rabbitmq4.sh.
listeners.tcp.default = $amqp_port
stream.listeners.tcp.1 = $stream_port
stream.advertised_host = localhost
stream.advertised_port = $stream_port
management.tcp.port = $mgmt_port
EOF
echo '[rabbitmq_stream,rabbitmq_management].' >"$root/etc/rabbitmq/enabled_plugins"

# 3. Start unless something answers on the stream port already.
if port_open "$stream_port"; then
  log "something answers on localhost:$stream_port: using it (not recorded, so never stopped by the caller)"
else
  for p in "$amqp_port" "$mgmt_port" "$dist_port" "$epmd_port"; do
    if port_open "$p"; then
      if [ "$p" = "$epmd_port" ]; then continue; fi  # a leftover epmd of ours is harmless
      die "port $p is taken (by a node this script did not record?): stop it first"
    fi
  done
  log "starting $node (log $logfile)"
  # As the root's rabbitmq user straight away: Debian's rabbitmq-server wrapper would lower the
  # open-files limit to 1024. setsid: the node must not die with the caller's terminal.
  ulimit -n 65536 2>/dev/null || true
  setsid unshare --mount --propagation private -- /bin/sh -c \
    'mount -t proc proc "$0/proc" && exec chroot --userspec=rabbitmq:rabbitmq "$0" \
       /usr/bin/env -i HOME=/var/lib/rabbitmq LANG=C.UTF-8 LC_ALL=C.UTF-8 \
       PATH=/usr/lib/rabbitmq/bin:/usr/sbin:/usr/bin:/sbin:/bin ERL_EPMD_PORT="$1" \
       /usr/lib/rabbitmq/bin/rabbitmq-server' "$root" "$epmd_port" \
    >"$logfile" 2>&1 </dev/null &
  echo "$!" >"$pidfile"
  log "started (pid $(cat "$pidfile")); stop it with: bash $here/rabbitmq4.sh stop"
fi

# 4. Wait for the stream port, bounded.
deadline=$((SECONDS + wait_seconds))
until port_open "$stream_port"; do
  if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    tail -n 30 "$logfile" >&2 || true; rm -f "$pidfile"; die "the node exited during start"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 30 "$logfile" >&2 || true; die "the stream port $stream_port did not open within ${wait_seconds}s"
  fi
  sleep 0.5
done

if [ "${COURSEPULSE_RABBITMQ4_TARBALL:-0}" = 1 ] && [ ! -f "$tarball" ]; then
  log "keeping a zstd tarball of the root in $tarball"
  tar --zstd -cpf "$tarball.partial" -C "$root" --exclude=./proc/* --exclude=./var/lib/rabbitmq/mnesia \
    --exclude=./var/log/rabbitmq/* . && mv "$tarball.partial" "$tarball"
fi

uri="rabbitmq-stream://guest:guest@localhost:$stream_port/%2f"
log "RabbitMQ $version (node $node): $uri, management http://localhost:$mgmt_port"
echo "export COURSEPULSE_RABBITMQ4_URI='$uri'"
echo "export COURSEPULSE_RABBITMQ4_MANAGEMENT_URL='http://localhost:$mgmt_port'"
echo "export COURSEPULSE_RABBITMQ4_CTL='bash $here/rabbitmq4.sh ctl'"
