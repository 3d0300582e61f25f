#!/usr/bin/env bash
# Starts a 3-silo GrainKv cluster on loopback (the processes of ./Procfile), each with its data dir under
# $CLUSTER_DIR (default /tmp/grainkv-cluster). Clients: 127.0.0.1:2379, 127.0.0.1:22379, 127.0.0.1:32379.
# Logs go to $CLUSTER_DIR/infraN.log and PIDs to $CLUSTER_DIR/infraN.pid; ./stop-cluster.sh stops them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cluster_dir=${CLUSTER_DIR:-/tmp/grainkv-cluster}
mkdir -p "$cluster_dir"

if [[ -z "${GRAINKV_SILO_DLL:-}" ]]; then
  dotnet build "$repo/silo/GrainKv.Silo" -c Release -nologo -v quiet >&2
  GRAINKV_SILO_DLL="$repo/silo/GrainKv.Silo/bin/Release/net10.0/GrainKv.Silo.dll"
fi
export GRAINKV_SILO_DLL

grep -E '^grainkv[0-9]+:' "$here/Procfile" | while IFS= read -r line; do
  name=$(sed -E 's/.*--name ([^ ]+).*/\1/' <<<"$line")
  command=${line#*: }
  (cd "$cluster_dir" && GRAINKV_DATA_DIR="$cluster_dir/$name.data" eval "exec $command" >"$cluster_dir/$name.log" 2>&1) &
  echo $! >"$cluster_dir/$name.pid"
  echo "started $name (pid $!), log $cluster_dir/$name.log"
done
