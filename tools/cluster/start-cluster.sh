#!/usr/bin/env bash
# Starts a 3-silo GrainKv cluster on loopback (the processes of ./Procfile), each with its data dir under
# $CLUSTER_DIR (default /tmp/grainkv-cluster). Clients: 127.0.0.1:2379, 127.0.0.1:22379, 127.0.0.1:32379.
# Logs go to $CLUSTER_DIR/infraN.log and PIDs to $CLUSTER_DIR/infraN.pid; ./stop-cluster.sh stops them.
# Returns once every member answers etcdctl and names the same leader (HEALTH_TIMEOUT_SECONDS, default 120);
# otherwise it stops what it started and fails. PROCFILE runs another Procfile of the same shape (goreman -f).
set -Eeuo pipefail
source "$(dirname "$0")/processes.sh"
cluster_dir=${CLUSTER_DIR:-/tmp/grainkv-cluster}
procfile=${PROCFILE:-$cluster_tools/Procfile}
mkdir -p "$cluster_dir"
require_stopped "$cluster_dir"

if [[ -z "${GRAINKV_SILO_DLL:-}" ]]; then
  GRAINKV_SILO_DLL=$(dll_of silo/GrainKv.Silo)
fi
export GRAINKV_SILO_DLL

# Whatever fails, nothing started is left running.
trap 'stop_processes "$cluster_dir" "*" >/dev/null' ERR

names=() endpoints=()
while IFS= read -r line; do
  name=$(sed -E 's/.*--name ([^ ]+).*/\1/' <<<"$line")
  names+=("$name")
  endpoints+=("$(sed -E 's/.*--advertise-client-urls ([^ ]+).*/\1/' <<<"$line")")
  start_process "$cluster_dir" "$name" env "GRAINKV_DATA_DIR=$cluster_dir/$name.data" bash -c "exec ${line#*: }"
done < <(grep -E '^grainkv[0-9]+:' "$procfile")

wait_leader "$cluster_dir" "$(IFS=,; echo "${endpoints[*]}")" "${names[@]}"
