#!/usr/bin/env bash
# A three-node RabbitMQ 4.0 cluster on this machine, for the tests of a broker cluster that loses
# a node (ClusterFailoverIT). Its nodes run from the Debian trixie root that .ci/rabbitmq4.sh
# builds and caches, beside that script's single node and the 3.10 node, on ports of their own.
# Needs root.
#
#   eval "$(bash .ci/rabbitmq4-cluster.sh)"        # start the cluster (fresh) unless it runs
#   bash .ci/rabbitmq4-cluster.sh stop             # stop the nodes this script started
#   bash .ci/rabbitmq4-cluster.sh kill 2           # SIGKILL node 2 (its Erlang VM), as a crash
#   bash .ci/rabbitmq4-cluster.sh start-node 2     # start node 2 again, with its data
#   bash .ci/rabbitmq4-cluster.sh leader VHOST Q   # the node number leading stream Q
#   bash .ci/rabbitmq4-cluster.sh ctl 1 ARGS...    # rabbitmqctl against node 1 (inside the root)
#
# - Nodes 1 to 3: rabbitc<N>@localhost, stream port 556<N> (advertised as localhost:556<N>, so the
#   stream client reaches each leader and replica on its own port), AMQP 570<N>, management
#   1568<N>, distribution 2570<N>, one epmd of their own on 4371. Nothing clashes with the 3.10
#   node (5552/5672/15672/25672, epmd 4369) or the single 4.0 node (5553/5682/15673/25682, epmd
#   4370), which this script never touches.
# - Everything of the cluster lives in the root under /etc/rabbitmq/cluster (per-node
#   rabbitmq-env.conf and rabbitmq.conf, selected with RABBITMQ_CONF_ENV_FILE) and
#   /var/lib/rabbitmq/cluster (data and logs); the single node's files are not read or written.
# - The nodes form the cluster at first boot (classic peer discovery). `start` wipes the data of
#   a cluster none of whose nodes runs, so every run starts empty; when all three nodes answer
#   already it uses them as they are (not recorded, so never stopped by the caller). `start-node`
#   keeps a node's data (a restart after `kill`). Streams get a replica on every node (three).
# - Small nodes: one scheduler and one dirty CPU scheduler each (the machine has 2 cores).
# - The nodes this script started are recorded in $COURSEPULSE_RABBITMQ_CLUSTER_PIDDIR (default
#   .ci/rabbitmq4-cluster): node<N>.pid (the Erlang VM's pid) and `started` (this script started
#   the cluster). `stop` acts only on recorded nodes. `kill` crashes the node whatever started it
#   (it is the fault a test injects), by the pid the node itself wrote in its data directory.
# - `start` waits (at most RABBITMQ4_WAIT_SECONDS per node, default 120) until every node has
#   joined, then prints on stdout: COURSEPULSE_RABBITMQ_CLUSTER_URIS (the three stream URIs, comma
#   separated, as `--uri` takes them), COURSEPULSE_RABBITMQ_CLUSTER_MANAGEMENT_URLS and
#   COURSEPULSE_RABBITMQ_CLUSTER_SCRIPT (a command prefix running this script).
# - A second, independent cluster (a helper's, beside the CI's): COURSEPULSE_RABBITMQ_CLUSTER_BASE=B
#   (default 1) shifts everything by B-1: node names (rabbitc, rabbitd, ...), every port by
#   10*(B-1) (B=2: stream 5571-5573, AMQP 5711-5713, management 15691-15693, distribution
#   25711-25713, epmd 4372), the conf/data dirs (/etc/rabbitmq/clusterB, /var/lib/rabbitmq/clusterB),
#   the log files and the default pid dir (.ci/rabbitmq4-clusterB). Every subcommand needs the same
#   BASE as the `start` that made the cluster (the printed SCRIPT prefix carries it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${COURSEPULSE_RABBITMQ4_ROOT:-/var/cache/coursepulse/trixie-rabbitmq}"
base="${COURSEPULSE_RABBITMQ_CLUSTER_BASE:-1}"
case "$base" in [1-9]) ;; *) echo "rabbitmq4-cluster.sh: COURSEPULSE_RABBITMQ_CLUSTER_BASE must be 1 to 9" >&2; exit 1 ;; esac
shift_ports=$((10 * (base - 1)))
# The default cluster keeps its names (suffix ""); cluster B>1 has suffix B.
suffix="$([ "$base" = 1 ] || echo "$base")"
letters=cdefghijk
prefix="rabbit${letters:base-1:1}"
piddir="${COURSEPULSE_RABBITMQ_CLUSTER_PIDDIR:-$here/rabbitmq4-cluster$suffix}"
wait_seconds="${RABBITMQ4_WAIT_SECONDS:-120}"
nodes=(1 2 3)
epmd_port=$((4371 + base - 1))
conf_dir=/etc/rabbitmq/cluster$suffix
data_dir=/var/lib/rabbitmq/cluster$suffix

log() { echo "rabbitmq4-cluster.sh: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (chroot, unshare)"

node_name() { echo "$prefix$1@localhost"; }
stream_port() { echo $((5560 + shift_ports + $1)); }
amqp_port() { echo $((5700 + shift_ports + $1)); }
mgmt_port() { echo $((15680 + shift_ports + $1)); }
dist_port() { echo $((25700 + shift_ports + $1)); }
pidfile() { echo "$piddir/node$1.pid"; }
logfile() { echo "$(dirname "$root")/$(basename "$root")-cluster$suffix-node$1.log"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

valid_node() {
  case "${1:-}" in 1|2|3) ;; *) die "no node '${1:-}': nodes are 1, 2 and 3" ;; esac
}

# The environment every program of node N reads inside the root (server and CLI alike).
node_env() {
  echo "RABBITMQ_CONF_ENV_FILE=$conf_dir/node$1/rabbitmq-env.conf"
}

# rabbitmqctl (or another CLI tool: rabbitmq-streams, rabbitmq-diagnostics) inside the root,
# against node N.
ctl_tool() {
  local tool="$1" n="$2"; shift 2
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin "$(node_env "$n")" ERL_EPMD_PORT="$epmd_port" \
    "/usr/lib/rabbitmq/bin/$tool" -n "$(node_name "$n")" "$@"
}

configure() {
  local plugins_dir n
  plugins_dir="$(ls -d "$root"/usr/lib/rabbitmq/lib/rabbitmq_server-*/plugins | sort -V | tail -n 1)"
  plugins_dir="${plugins_dir#"$root"}"
  echo '[rabbitmq_stream,rabbitmq_management].' >"$root$conf_dir/enabled_plugins"
  for n in "${nodes[@]}"; do
    mkdir -p "$root$conf_dir/node$n"
    cat >"$root$conf_dir/node$n/rabbitmq-env.conf" <<EOF
# Written by coursepulse .ci/rabbitmq4-cluster.sh: node $n of the three-node cluster.
NODENAME=$(node_name "$n")
NODE_PORT=$(amqp_port "$n")
DIST_PORT=$(dist_port "$n")
CONFIG_FILE=$conf_dir/node$n/rabbitmq.conf
ENABLED_PLUGINS_FILE=$conf_dir/enabled_plugins
MNESIA_BASE=$data_dir/mnesia
LOG_BASE=$data_dir/log
# One scheduler and one dirty CPU scheduler: three nodes share 2 cores with everything else.
SERVER_ADDITIONAL_ERL_ARGS="+S 1:1 +SDcpu 1:1"
# The CLI's distribution ports, clear of the other nodes' CLI ranges (35672-35682, 35700-35710).
export RABBITMQ_CTL_DIST_PORT_MIN=$((35720 + 30 * (base - 1)))
export RABBITMQ_CTL_DIST_PORT_MAX=$((35740 + 30 * (base - 1)))
# The cluster's own epmd.
export ERL_EPMD_PORT=$epmd_port
PLUGINS_DIR=$plugins_dir
EOF
    {
      echo "# Written by coursepulse .ci/rabbitmq4-cluster.sh: node $n."
      echo "listeners.tcp.default = $(amqp_port "$n")"
      echo "stream.listeners.tcp.1 = $(stream_port "$n")"
      echo "stream.advertised_host = localhost"
      echo "stream.advertised_port = $(stream_port "$n")"
      echo "management.tcp.port = $(mgmt_port "$n")"
      echo "cluster_formation.peer_discovery_backend = classic_config"
      for m in "${nodes[@]}"; do
        echo "cluster_formation.classic_config.nodes.$m = $(node_name "$m")"
      done
      # Losing one node of three is the fault under test: the majority keeps working.
      echo "cluster_partition_handling = pause_minority"
    } >"$root$conf_dir/node$n/rabbitmq.conf"
  done
}

# The pid of node N's Erlang VM, from the pid file the node writes itself, if that VM runs.
vm_pid() {
  local f pid
  f="$root$data_dir/mnesia/$(node_name "$1").pid"
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Starts node N in the background and records its Erlang VM's pid (which the node writes itself;
# the pid of the wrapper shell would survive a SIGKILL of the VM by a moment, and not the reverse).
start_node() {
  local n="$1" lf vm_pidfile
  if vm_pid "$n" >/dev/null; then
    log "node $n runs already (pid $(vm_pid "$n"))"
    return 0
  fi
  port_open "$(stream_port "$n")" && die "port $(stream_port "$n") is taken by something else than node $n"
  lf="$(logfile "$n")"
  vm_pidfile="$root$data_dir/mnesia/$(node_name "$n").pid"
  rm -f "$vm_pidfile"
  mkdir -p "$piddir" "$root$data_dir/mnesia" "$root$data_dir/log"
  chown -R "$(chroot "$root" id -u rabbitmq):$(chroot "$root" id -g rabbitmq)" "$root$data_dir"
  log "starting node $n, $(node_name "$n") (log $lf)"
  ulimit -n 65536 2>/dev/null || true
  setsid unshare --mount --propagation private -- /bin/sh -c \
    'mount -t proc proc "$0/proc" && exec chroot --userspec=rabbitmq:rabbitmq "$0" \
       /usr/bin/env -i HOME=/var/lib/rabbitmq LANG=C.UTF-8 LC_ALL=C.UTF-8 \
       PATH=/usr/lib/rabbitmq/bin:/usr/sbin:/usr/bin:/sbin:/bin ERL_EPMD_PORT="$1" "$2" \
       /usr/lib/rabbitmq/bin/rabbitmq-server' "$root" "$epmd_port" "$(node_env "$n")" \
    >>"$lf" 2>&1 </dev/null &
  local wrapper=$!
  local deadline=$((SECONDS + 30))
  until [ -s "$vm_pidfile" ]; do
    if ! kill -0 "$wrapper" 2>/dev/null; then tail -n 30 "$lf" >&2 || true; die "node $n exited during start"; fi
    [ "$SECONDS" -lt "$deadline" ] || die "node $n wrote no pid file within 30 s"
    sleep 0.2
  done
  # Recorded (so `stop` stops it) only when this script started the cluster.
  if [ -f "$piddir/started" ]; then cp "$vm_pidfile" "$(pidfile "$n")"; fi
}

# Waits until node N answers on its stream port and has joined the other nodes.
await_node() {
  local n="$1" deadline=$((SECONDS + wait_seconds))
  until port_open "$(stream_port "$n")"; do
    if ! vm_pid "$n" >/dev/null; then
      tail -n 30 "$(logfile "$n")" >&2 || true; rm -f "$(pidfile "$n")"; die "node $n exited during start"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$(logfile "$n")" >&2 || true; die "node $n's stream port did not open within ${wait_seconds}s"
    fi
    sleep 0.5
  done
}

await_cluster() {
  local deadline=$((SECONDS + wait_seconds)) running
  while true; do
    running="$(ctl_tool rabbitmqctl 1 -q cluster_status --formatter json 2>/dev/null \
      | grep -o '"running_nodes":\[[^]]*\]' | grep -o "$prefix[0-9]@localhost" | sort -u | wc -l || true)"
    [ "$running" = "${#nodes[@]}" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || die "only $running of ${#nodes[@]} nodes joined the cluster within ${wait_seconds}s"
    sleep 1
  done
}

kill_node() {
  local n="$1" pid
  pid="$(vm_pid "$n")" || die "node $n does not run"
  log "SIGKILL node $n (pid $pid)"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(pidfile "$n")"
}

stop_node() {
  local n="$1" f pid deadline
  f="$(pidfile "$n")"
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  log "stopping node $n (pid $pid)"
  ctl_tool rabbitmqctl "$n" -q stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "pid $pid still alive after 60 s: killing"; kill -9 "$pid" || true; break; fi
    sleep 0.5
  done
  rm -f "$f"
}

stop_all() {
  local n
  if [ ! -f "$piddir/started" ]; then
    log "no $piddir/started: the cluster was not started by this script, leaving it alone"
    return 0
  fi
  # Reverse order: node 1, stopped last, holds the newest cluster metadata.
  for n in 3 2 1; do stop_node "$n"; done
  rm -f "$piddir/started"
  # The cluster's epmd (4371 + BASE - 1) outlives the nodes; the other nodes' epmds are not touched.
  chroot "$root" /usr/bin/env ERL_EPMD_PORT="$epmd_port" epmd -port "$epmd_port" -kill >/dev/null 2>&1 || true
  log "stopped"
}

# The number of the node leading stream Q of virtual host VHOST, asked of the first running node.
leader() {
  local vhost="$1" stream="$2" n out
  for n in "${nodes[@]}"; do
    vm_pid "$n" >/dev/null || continue
    if out="$(ctl_tool rabbitmqctl "$n" -q list_queues -p "$vhost" name leader --no-table-headers 2>/dev/null)"; then
      out="$(printf '%s\n' "$out" | awk -F'\t' -v q="$stream" '$1 == q { print $2 }')"
      case "$out" in
        "$prefix"[0-9]@localhost) echo "${out:7:1}"; return 0 ;;
        *) die "no leader known for '$stream' in '$vhost' (answer: '$out')" ;;
      esac
    fi
  done
  die "no running node answered"
}

require_root_fs() {
  [ -f "$root/.coursepulse-rabbitmq4-ready" ] || bash "$here/rabbitmq4.sh" root
}

case "${1:-start}" in
  start) ;;
  stop) stop_all; exit 0 ;;
  kill) valid_node "${2:-}"; kill_node "$2"; exit 0 ;;
  start-node) valid_node "${2:-}"; start_node "$2"; await_node "$2"; await_cluster; exit 0 ;;
  leader) [ $# -eq 3 ] || die "usage: $0 leader VHOST STREAM"; leader "$2" "$3"; exit 0 ;;
  ctl) valid_node "${2:-}"; n="$2"; shift 2; ctl_tool rabbitmqctl "$n" "$@"; exit $? ;;
  streams) valid_node "${2:-}"; n="$2"; shift 2; ctl_tool rabbitmq-streams "$n" "$@"; exit $? ;;
  *) die "usage: $0 [start|stop|kill N|start-node N|leader VHOST STREAM|ctl N ARGS...|streams N ARGS...]" ;;
esac

# start: the root (built or restored by rabbitmq4.sh, with its Erlang cookie), the configuration
# (rewritten every time, so a changed script applies), then the nodes.
bash "$here/rabbitmq4.sh" root
mkdir -p "$root$conf_dir"
configure
mkdir -p "$piddir"
answering=0
for n in "${nodes[@]}"; do
  if port_open "$(stream_port "$n")"; then answering=$((answering + 1)); fi
done
if [ "$answering" = "${#nodes[@]}" ]; then
  log "all ${#nodes[@]} nodes answer already: using them (not recorded unless this script started them)"
elif [ "$answering" = 0 ]; then
  rm -f "$piddir"/node*.pid
  # A fresh cluster: the data of an earlier one would make the nodes wait for each other in the
  # order they stopped, and keep its streams.
  rm -rf "${root:?}$data_dir"
  touch "$piddir/started"
  for n in "${nodes[@]}"; do start_node "$n"; done
  log "started; stop it with: bash $here/rabbitmq4-cluster.sh stop"
else
  # A node killed and not restarted (by a test that failed): start it again with its data.
  for n in "${nodes[@]}"; do start_node "$n"; done
fi
for n in "${nodes[@]}"; do await_node "$n"; done
await_cluster

uris=""
mgmt=""
for n in "${nodes[@]}"; do
  uris="$uris${uris:+,}rabbitmq-stream://guest:guest@localhost:$(stream_port "$n")/%2f"
  mgmt="$mgmt${mgmt:+,}http://localhost:$(mgmt_port "$n")"
done
log "RabbitMQ cluster of ${#nodes[@]} nodes: $uris"
echo "export COURSEPULSE_RABBITMQ_CLUSTER_URIS='$uris'"
echo "export COURSEPULSE_RABBITMQ_CLUSTER_MANAGEMENT_URLS='$mgmt'"
if [ "$base" = 1 ]; then
  echo "export COURSEPULSE_RABBITMQ_CLUSTER_SCRIPT='bash $here/rabbitmq4-cluster.sh'"
else
  echo "export COURSEPULSE_RABBITMQ_CLUSTER_SCRIPT='env COURSEPULSE_RABBITMQ_CLUSTER_BASE=$base bash $here/rabbitmq4-cluster.sh'"
fi
