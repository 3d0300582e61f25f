#!/usr/bin/env bash
# Stops the silos ./start-cluster.sh started, by PID.
set -u
cluster_dir=${CLUSTER_DIR:-/tmp/grainkv-cluster}
for pid_file in "$cluster_dir"/*.pid; do
  [[ -e $pid_file ]] || continue
  kill "$(cat "$pid_file")" 2>/dev/null && echo "stopped $(basename "$pid_file" .pid)"
  rm -f "$pid_file"
done
