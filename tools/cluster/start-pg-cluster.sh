#!/usr/bin/env bash
# Usage: start-pg-cluster.sh [DIR]
# Starts the topology of docker-compose.yml as plain processes on loopback: one PostgreSQL 15 server per silo
# (Debian's package), three silos that keep their Raft logs each in its own server and form one Orleans cluster
# through the membership table on the first server, and one gateway, an Orleans client that finds the silos there. Everything lives under
# DIR (default $CLUSTER_DIR, else /tmp/grainkv-pg-cluster): data dirs, NAME.log and NAME.pid for each process.
# Started again on the same DIR, the cluster carries on with its data. ./stop-pg-cluster.sh DIR stops it.
#
# Ports come from the environment (defaults in brackets); the lists have one port per member:
#   GATEWAY_PORT [2379], GATEWAY_METRICS_PORT [2381]   the gateway's etcd API, and its /health and /metrics
#   SILO_CLIENT_PORTS [12379,22379,32379]  SILO_PEER_PORTS [12380,22380,32380]  SILO_METRICS_PORTS [12381,22381,32381]
#   SILO_ORLEANS_PORTS [11111,11112,11113]  SILO_ORLEANS_GATEWAY_PORTS [30000,30001,30002]  POSTGRES_PORTS [15432,25432,35432]
# SILO_STORAGE [postgres]: 'sqlite' keeps each silo's Raft log in its data dir instead, and starts only the first
# PostgreSQL server, for the membership table: the same topology otherwise, to compare the two stores.
# GRAINKV_SILO_DLL and GRAINKV_GATEWAY_DLL run programs built elsewhere instead of building them here.
set -Eeuo pipefail
source "$(dirname "$0")/processes.sh"

pg_bin=/usr/lib/postgresql/15/bin
cluster_dir=${1:-${CLUSTER_DIR:-/tmp/grainkv-pg-cluster}}
mkdir -p "$cluster_dir"
cluster_dir=$(cd "$cluster_dir" && pwd)
gateway_port=${GATEWAY_PORT:-2379}
gateway_metrics_port=${GATEWAY_METRICS_PORT:-2381}
IFS=, read -ra client_ports <<<"${SILO_CLIENT_PORTS:-12379,22379,32379}"
IFS=, read -ra peer_ports <<<"${SILO_PEER_PORTS:-12380,22380,32380}"
IFS=, read -ra metrics_ports <<<"${SILO_METRICS_PORTS:-12381,22381,32381}"
IFS=, read -ra orleans_ports <<<"${SILO_ORLEANS_PORTS:-11111,11112,11113}"
IFS=, read -ra orleans_gateway_ports <<<"${SILO_ORLEANS_GATEWAY_PORTS:-30000,30001,30002}"
IFS=, read -ra postgres_ports <<<"${POSTGRES_PORTS:-15432,25432,35432}"
members=${#client_ports[@]}
silo_storage=${SILO_STORAGE:-postgres}
if ((${#peer_ports[@]} != members || ${#metrics_ports[@]} != members || ${#postgres_ports[@]} != members ||
  ${#orleans_ports[@]} != members || ${#orleans_gateway_ports[@]} != members)); then
  echo "SILO_CLIENT_PORTS, SILO_PEER_PORTS, SILO_METRICS_PORTS, SILO_ORLEANS_PORTS, SILO_ORLEANS_GATEWAY_PORTS and POSTGRES_PORTS need one port per member each" >&2
  exit 2
fi
if [[ ! -x $pg_bin/initdb ]]; then
  echo "PostgreSQL 15 is not installed ($pg_bin/initdb): apt-get install postgresql" >&2
  exit 2
fi
require_stopped "$cluster_dir"

# PostgreSQL refuses to run as root: as root, its commands run as the postgres user, which owns its files.
as_postgres() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# owned_by_postgres PATH...: hands the paths to the postgres user when running as root.
owned_by_postgres() {
  if ((EUID == 0)); then chown postgres:postgres "$@"; fi
}

# The Npgsql connection string for member N's server (trust authentication on loopback).
postgres_connection() {
  echo "Host=127.0.0.1;Port=${postgres_ports[$1 - 1]};Database=grainkv;Username=grainkv"
}

# start_postgres N: creates the server's data dir and the grainkv database the first time, starts the server
# on its loopback port (TCP only: no Unix socket whose path could outgrow the limit) and records its PID.
start_postgres() {
  local name=postgres$1 port=${postgres_ports[$1 - 1]}
  local data=$cluster_dir/$name.data log=$cluster_dir/$name.log
  if [[ ! -f $data/PG_VERSION ]]; then
    mkdir -p "$data"
    owned_by_postgres "$data"
    if ! as_postgres test -w "$data"; then
      echo "the postgres user cannot write $data: it needs to reach $cluster_dir (o+x on it and the folders above)" >&2
      return 1
    fi
    as_postgres "$pg_bin/initdb" -D "$data" --auth=trust --username=grainkv --encoding=UTF8 >"$log" 2>&1
  fi
  touch "$log"
  owned_by_postgres "$log"
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null
  head -n 1 "$data/postmaster.pid" >"$cluster_dir/$name.pid"
  if [[ -z $("$pg_bin/psql" -X -h 127.0.0.1 -p "$port" -U grainkv -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'grainkv'") ]]; then
    "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U grainkv grainkv
  fi
  echo "started $name (pid $(<"$cluster_dir/$name.pid")) on 127.0.0.1:$port, log $log"
}

if [[ -z "${GRAINKV_SILO_DLL:-}" ]]; then GRAINKV_SILO_DLL=$(dll_of silo/GrainKv.Silo); fi
if [[ -z "${GRAINKV_GATEWAY_DLL:-}" ]]; then GRAINKV_GATEWAY_DLL=$(dll_of gateway/GrainKv.Gateway); fi

# Whatever fails, nothing started is left running.
trap '"$cluster_tools/stop-pg-cluster.sh" "$cluster_dir" >/dev/null' ERR

if [[ $silo_storage == postgres ]]; then postgres_servers=$members; else postgres_servers=1; fi
for ((i = 1; i <= postgres_servers; i++)); do start_postgres "$i"; done

initial_cluster=$(for ((i = 1; i <= members; i++)); do echo "silo$i=http://127.0.0.1:${peer_ports[i - 1]}"; done | paste -sd,)
# What silos and gateway alike know of the cluster: its name and the membership table. The members as bootstrapped
# are the silos' alone: the gateway asks the silos it finds in the table.
cluster=(--initial-cluster-token grainkv-pg-cluster --membership-connection "$(postgres_connection 1)")
for ((i = 1; i <= members; i++)); do
  storage=(--storage "$silo_storage")
  if [[ $silo_storage == postgres ]]; then storage+=(--postgres-connection "$(postgres_connection "$i")"); fi
  start_process "$cluster_dir" "silo$i" dotnet "$GRAINKV_SILO_DLL" "${cluster[@]}" --initial-cluster "$initial_cluster" --name "silo$i" \
    --data-dir "$cluster_dir/silo$i.data" "${storage[@]}" \
    --listen-client-urls "http://127.0.0.1:${client_ports[i - 1]}" \
    --listen-peer-urls "http://127.0.0.1:${peer_ports[i - 1]}" \
    --listen-metrics-urls "http://127.0.0.1:${metrics_ports[i - 1]}" \
    --orleans-silo-port "${orleans_ports[i - 1]}" --orleans-gateway-port "${orleans_gateway_ports[i - 1]}"
done
start_process "$cluster_dir" gateway dotnet "$GRAINKV_GATEWAY_DLL" "${cluster[@]}" \
  --listen-client-urls "http://127.0.0.1:$gateway_port" \
  --listen-metrics-urls "http://127.0.0.1:$gateway_metrics_port"

for ((i = 1; i <= members; i++)); do
  wait_healthy "$cluster_dir" "silo$i" "http://127.0.0.1:${metrics_ports[i - 1]}/health"
done
wait_healthy "$cluster_dir" gateway "http://127.0.0.1:$gateway_metrics_port/health"

cat <<EOF

GrainKv on PostgreSQL is up: the etcd API on 127.0.0.1:$gateway_port (the gateway), data and logs in $cluster_dir.
  ETCDCTL_API=3 etcdctl --endpoints 127.0.0.1:$gateway_port put greeting hello
  ETCDCTL_API=3 etcdctl --endpoints 127.0.0.1:$gateway_port get greeting
Stop it with: $cluster_tools/stop-pg-cluster.sh $cluster_dir
EOF
