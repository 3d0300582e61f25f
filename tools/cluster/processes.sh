# Sourced by the start and stop scripts beside it: build the programs, start each process in the background
# with its output in DIR/NAME.log and its PID in DIR/NAME.pid, wait for health or a leader, and stop processes by PID.

cluster_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$cluster_tools/../.." && pwd)

# dll_of PROJECT: builds the project (a folder of the repo) in Release and prints the path of its DLL.
dll_of() {
  local project=$1
  dotnet build "$repo/$project" -c Release -nologo -v quiet >&2 &&
    echo "$repo/$project/bin/Release/net10.0/$(basename "$project").dll"
}

# is_running DIR NAME: whether the process DIR/NAME.pid names is alive.
is_running() {
  [[ -f $1/$2.pid ]] && kill -0 "$(<"$1/$2.pid")" 2>/dev/null
}

# require_stopped DIR: fails if a process with a PID file in DIR is still running.
require_stopped() {
  local pid_file name
  for pid_file in "$1"/*.pid; do
    [[ -e $pid_file ]] || continue
    name=$(basename "$pid_file" .pid)
    if is_running "$1" "$name"; then
      echo "$name is still running in $1 (pid $(<"$pid_file")); stop the cluster first" >&2
      return 1
    fi
  done
}

# start_process DIR NAME COMMAND...: runs COMMAND in DIR in the background.
start_process() {
  local dir=$1 name=$2
  shift 2
  (cd "$dir" && exec "$@") >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
  echo "started $name (pid $!), log $dir/$name.log"
}

# wait_healthy DIR NAME URL: waits until GET URL succeeds. Fails, showing the end of the log, if the process
# exits first or is not healthy within HEALTH_TIMEOUT_SECONDS (120).
wait_healthy() {
  local dir=$1 name=$2 url=$3
  local deadline=$((SECONDS + ${HEALTH_TIMEOUT_SECONDS:-120}))
  until curl --fail --silent --max-time 2 --output /dev/null "$url"; do
    if ! is_running "$dir" "$name"; then
      echo "$name exited during start-up; the end of $dir/$name.log:" >&2
      tail -n 30 "$dir/$name.log" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "$name is not healthy at $url after ${HEALTH_TIMEOUT_SECONDS:-120} s; see $dir/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$name is healthy ($url)"
}

# wait_leader DIR ENDPOINTS NAME...: waits until etcdctl's endpoint status answers from every endpoint of ENDPOINTS
# (comma-separated) and all name one and the same leader. Fails, showing the end of its log, if process DIR/NAME
# exits first, or, showing etcdctl's last answer, if there is no such leader within HEALTH_TIMEOUT_SECONDS (120).
wait_leader() {
  local dir=$1 endpoints=$2 name status leader
  shift 2
  if ! command -v etcdctl >/dev/null; then
    echo "etcdctl is needed to wait for the cluster's leader: apt-get install etcd-client" >&2
    return 1
  fi
  local deadline=$((SECONDS + ${HEALTH_TIMEOUT_SECONDS:-120}))
  until status=$(ETCDCTL_API=3 etcdctl --endpoints "$endpoints" --dial-timeout 1s --command-timeout 2s \
    endpoint status -w json 2>&1) && leader=$(common_leader "$(tr , '\n' <<<"$endpoints" | wc -l)" <<<"$status"); do
    for name in "$@"; do
      if ! is_running "$dir" "$name"; then
        echo "$name exited before the cluster had a leader; the end of $dir/$name.log:" >&2
        tail -n 30 "$dir/$name.log" >&2
        return 1
      fi
    done
    if ((SECONDS >= deadline)); then
      echo "the cluster has no leader after ${HEALTH_TIMEOUT_SECONDS:-120} s; the logs are in $dir." >&2
      echo "etcdctl --endpoints $endpoints endpoint status answered:" >&2
      echo "$status" >&2
      return 1
    fi
    sleep 0.2
  done
  printf 'the cluster has a leader: member %x\n' "$leader"
}

# common_leader COUNT: reads etcdctl's endpoint status -w json, and prints the leader that all COUNT endpoints name;
# fails if one names none (etcd leaves the field out then) or another.
common_leader() {
  local leaders
  leaders=$(grep -o '"leader":[1-9][0-9]*' | cut -d: -f2)
  [[ -n $leaders && $(wc -l <<<"$leaders") == "$1" && $(sort -u <<<"$leaders" | wc -l) == 1 ]] && head -n 1 <<<"$leaders"
}

# stop_processes DIR PATTERN...: one stage per pattern (matched against the names of DIR's PID files), in the
# order given: SIGTERM to every process of the stage, then up to 30 s for all of them to exit. A process that
# does not exit keeps its PID file, so stopping again tries again.
stop_processes() {
  local dir=$1 pattern pid_file name stage status=0
  shift
  for pattern in "$@"; do
    stage=()
    for pid_file in "$dir"/$pattern.pid; do
      [[ -e $pid_file ]] || continue
      if kill "$(<"$pid_file")" 2>/dev/null; then
        stage+=("$(basename "$pid_file" .pid)")
      else
        rm -f "$pid_file"
      fi
    done
    for name in "${stage[@]}"; do
      for _ in $(seq 300); do
        is_running "$dir" "$name" || break
        sleep 0.1
      done
      if is_running "$dir" "$name"; then
        echo "$name (pid $(<"$dir/$name.pid")) did not exit within 30 s" >&2
        status=1
      else
        rm -f "$dir/$name.pid"
        echo "stopped $name"
      fi
    done
  done
  return $status
}
