#!/usr/bin/env bash
# Runs benchmark scenarios against etcd and GrainKv, alternating (etcd, grainkv) x RUNS so that drift in the
# machine hits both alike, and prints the medians of each and the ratio GrainKv/etcd.
#
# usage: compare.sh [ETCD_ENDPOINT GRAINKV_ENDPOINT] SCENARIO|all
#   With two endpoints the servers must already be running, and this script never starts or stops one.
#   With none it starts a single-node etcd (etcd on the PATH) and a single-node GrainKv silo (Release build)
#   on free loopback ports with fresh data dirs under /tmp, and stops them (by PID) when it exits.
#   scenarios: put-1            put, 1 client, 1 connection
#              put-256          put, 256 clients, 16 connections
#              range-l          linearizable range of one key, 256 clients, 16 connections
#              range-s          serializable range of one key, 256 clients, 16 connections
#              watch            10,000 watchers on one key (100 streams x 100, 10 connections), 300 puts at 10/s:
#                               delivery latency (put sent -> event received) and the server's CPU
#              lease-keepalive  10,000 leases of TTL 10 s renewed every TTL/3 over 100 streams (10 connections),
#                               measured for 30 s: keep-alives answered per second, leases lost, the server's CPU
#              all              every scenario above, in that order
# environment: RUNS (default 3), TOTAL (overrides a closed-loop scenario's request count), WARMUP (its warm-up),
#              BENCH (a built GrainKv.Bench executable; otherwise this script builds one in Release),
#              ETCD_PID, GRAINKV_PID (the processes whose CPU the watch and lease scenarios measure; by default the
#              one listening on the endpoint's port, found with ss; a cluster's endpoints get no CPU figure)
set -euo pipefail

usage() {
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
}

case $# in
  1) scenario=$1 ;;
  3) etcd_endpoint=$1 grainkv_endpoint=$2 scenario=$3 ;;
  *) usage ;;
esac
runs=${RUNS:-3}

command -v jq >/dev/null || { echo "compare.sh needs jq (apt-get install jq)" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
artifacts=${BENCH_ARTIFACTS:-/tmp/grainkv-bench-artifacts}
if [[ -z "${BENCH:-}" ]]; then
  dotnet build "$here/GrainKv.Bench.csproj" -c Release --artifacts-path "$artifacts" -nologo -v quiet >&2
  BENCH="$artifacts/bin/GrainKv.Bench/release/GrainKv.Bench"
fi

# --- scenarios ----------------------------------------------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }
# The machine's 1-minute load average, printed with each run: other work on a shared machine shows up in the figures.
load() { echo "load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"; }

# Closed-loop scenarios: name -> "command flags" ; total ; warm-up
closed_loop_args() {
  case $1 in
    put-1)   echo "put --clients 1 --conns 1;5000;2000" ;;
    put-256) echo "put --clients 256 --conns 16;40000;10000" ;;
    range-l) echo "range --consistency l --clients 256 --conns 16;100000;20000" ;;
    range-s) echo "range --consistency s --clients 256 --conns 16;100000;20000" ;;
    *) return 1 ;;
  esac
}

# Streaming scenarios: name -> "command flags" ; flags of the measured runs ; flags of the warm-up run
# The warm-up run goes once to each server before the measured runs and is discarded, and is as long as a measured
# run: GrainKv's tiered JIT keeps recompiling hot paths for tens of seconds of this load on a busy machine (perf
# showed a quarter of the silo's CPU in the JIT 20 s into the watch scenario after a 3 s warm-up).
streaming_args() {
  case $1 in
    watch) echo "watch-latency --conns 10 --streams 100 --watchers-per-stream 100 --put-rate 10;--put-total 300;--put-total 300" ;;
    lease-keepalive) echo "lease-keepalive --conns 10 --leases 10000 --ttl 10 --streams 100;--duration 30s;--duration 30s" ;;
    *) return 1 ;;
  esac
}

# The figures a streaming run reports, from its JSON: column names, how runs combine (median or sum), jq filter.
streaming_columns() {
  case $1 in
    watch)
      echo "p50-ms p90-ms p99-ms max-ms events-missing server-cpu%"
      echo "median median median median sum median"
      echo '"\(.deliveryLatencyMs.p50) \(.deliveryLatencyMs.p90) \(.deliveryLatencyMs.p99) \(.deliveryLatencyMs.max) \(.eventsExpected - .eventsReceived + .eventsOutOfOrder) \(.serverCpu.percentOfOneCore // "nan")"' ;;
    lease-keepalive)
      echo "answered/s p99-ms leases-lost unanswered server-cpu%"
      echo "median median sum sum median"
      echo '"\(.answeredPerSecond) \(.latencyMs.p99) \(.leasesLost) \(.keepAlivesSent - .keepAlivesAnswered) \(.serverCpu.percentOfOneCore // "nan")"' ;;
  esac
}

# --- single-node servers, when no endpoints are given -------------------------------------------------------------

# Prints COUNT distinct loopback ports nothing listens on, from a random start.
free_ports() {
  local count=$1 port=$((20000 + RANDOM % 40000))
  while ((count > 0)); do
    port=$((port + 1))
    if [[ -z "$(ss -Hltn "sport = :$port")" ]]; then
      echo "$port"
      count=$((count - 1))
    fi
  done
}

# Waits until a range of one key answers, as `etcdctl endpoint health` checks; fails if the process died.
wait_ready() {
  local name=$1 pid=$2 endpoint=$3
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { echo "$name exited during start-up; its log: $scratch/$name.log" >&2; exit 1; }
    "$BENCH" range --endpoints "$endpoint" --total 1 --json >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "$name at $endpoint did not become ready in 60 s; its log: $scratch/$name.log" >&2
  exit 1
}

# Stops both servers; keeps their data dirs and logs when the script failed.
stop_servers() {
  local status=$1 pid
  for pid in ${ETCD_PID:-} ${GRAINKV_PID:-}; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  if [[ $status -eq 0 ]]; then
    rm -rf "$scratch"
  else
    echo "servers stopped; their logs are in $scratch" >&2
  fi
}

start_servers() {
  dotnet build "$here/../../silo/GrainKv.Silo/GrainKv.Silo.csproj" -c Release --artifacts-path "$artifacts" -nologo -v quiet >&2
  scratch=$(mktemp -d /tmp/grainkv-compare.XXXXXX)
  trap 'stop_servers $?' EXIT
  local etcd_client etcd_peer grainkv_client grainkv_peer
  read -r etcd_client etcd_peer grainkv_client grainkv_peer <<<"$(free_ports 4 | tr '\n' ' ')"
  etcd --name bench --data-dir "$scratch/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "bench=http://127.0.0.1:$etcd_peer" --log-level error >"$scratch/etcd.log" 2>&1 &
  ETCD_PID=$!
  "$artifacts/bin/GrainKv.Silo/release/GrainKv.Silo" --data-dir "$scratch/grainkv" \
    --listen-client-urls "http://127.0.0.1:$grainkv_client" --listen-peer-urls "http://127.0.0.1:$grainkv_peer" \
    >"$scratch/grainkv.log" 2>&1 &
  GRAINKV_PID=$!
  etcd_endpoint=127.0.0.1:$etcd_client
  grainkv_endpoint=127.0.0.1:$grainkv_client
  wait_ready etcd "$ETCD_PID" "$etcd_endpoint"
  wait_ready grainkv "$GRAINKV_PID" "$grainkv_endpoint"
  echo "etcd $(etcd --version | head -1 | cut -d' ' -f3) at $etcd_endpoint (pid $ETCD_PID), GrainKv at $grainkv_endpoint (pid $GRAINKV_PID), data under $scratch" >&2
}

if [[ $scenario != all ]] && ! closed_loop_args "$scenario" >/dev/null && ! streaming_args "$scenario" >/dev/null; then
  echo "unknown scenario '$scenario'" >&2
  usage
fi
[[ -z "${etcd_endpoint:-}" ]] && start_servers

# The process listening on a single loopback endpoint's port, or nothing for a cluster's list.
listening_pid() {
  [[ $1 == *,* ]] && return
  ss -Hltnp "sport = :${1##*:}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true
}

etcd_pid=${ETCD_PID:-$(listening_pid "$etcd_endpoint")}
grainkv_pid=${GRAINKV_PID:-$(listening_pid "$grainkv_endpoint")}

# One bounded closed-loop run; prints "throughput p99" and fails the script if any request failed.
run_closed_loop() {
  local endpoint=$1 args=$2 total=$3 warmup=$4 output
  # shellcheck disable=SC2086 # args is a list of flags on purpose
  if ! output=$("$BENCH" $args --endpoints "$endpoint" --total "$total" --warmup "$warmup" --json); then
    echo "run against $endpoint failed: $output" >&2
    exit 1
  fi
  jq -r '"\(.throughputPerSecond) \(.latencyMs.p99)"' <<<"$output"
}

# One streaming run; prints its columns. Exit code 2 (an event missing, a lease lost) still has figures to show;
# anything else fails the script.
run_streaming() {
  local endpoint=$1 pid=$2 args=$3 filter=$4 output status=0
  # shellcheck disable=SC2086 # args is a list of flags on purpose
  output=$("$BENCH" $args --endpoints "$endpoint" ${pid:+--server-pid "$pid"} --json) || status=$?
  if [[ $status -ne 0 && ($status -ne 2 || -z $output) ]]; then
    echo "run against $endpoint failed (exit code $status): $output" >&2
    exit 1
  fi
  jq -r "$filter" <<<"$output"
}

# Prints a table: one row per server with each column combined over its runs, then the ratio row.
print_table() {
  local names=$1 combine=$2 etcd_file=$3 grainkv_file=$4 column=1 name how
  local etcd_row=() grainkv_row=()
  for name in $names; do
    how=$(cut -d' ' -f"$column" <<<"$combine")
    etcd_row+=("$(cut -d' ' -f"$column" "$etcd_file" | $how)")
    grainkv_row+=("$(cut -d' ' -f"$column" "$grainkv_file" | $how)")
    column=$((column + 1))
  done
  # A figure a run could not give (no server PID for the CPU) is "nan" and shows as "-".
  awk -v names="$names" -v etcd="${etcd_row[*]}" -v grainkv="${grainkv_row[*]}" '
    function shown(v) { return v == "nan" ? "-" : sprintf("%.3f", v) }
    function ratio(g, e) { return (g == "nan" || e == "nan" || e + 0 <= 0) ? "-" : sprintf("%.2f", g / e) }
    BEGIN {
      n = split(names, name, " "); split(etcd, e, " "); split(grainkv, g, " ")
      printf "  %-14s", ""; for (i = 1; i <= n; i++) printf " %14s", name[i]; printf "\n"
      printf "  %-14s", "etcd"; for (i = 1; i <= n; i++) printf " %14s", shown(e[i]); printf "\n"
      printf "  %-14s", "grainkv"; for (i = 1; i <= n; i++) printf " %14s", shown(g[i]); printf "\n"
      printf "  %-14s", "grainkv/etcd"; for (i = 1; i <= n; i++) printf " %14s", ratio(g[i], e[i]); printf "\n"
    }'
}

compare_closed_loop() {
  local name=$1 spec=$2 args total warmup
  IFS=';' read -r args total warmup <<<"$spec"
  total=${TOTAL:-$total}
  warmup=${WARMUP:-$warmup}

  # Range scenarios read the key the default key options name ("00000000"); make sure it holds a value on both.
  if [[ $args == range* ]]; then
    local endpoint
    for endpoint in "$etcd_endpoint" "$grainkv_endpoint"; do
      # One connection per endpoint of a cluster list.
      "$BENCH" put --endpoints "$endpoint" --conns "$(tr ',' '\n' <<<"$endpoint" | wc -l)" --total 1 --json >/dev/null
    done
  fi

  local etcd_results grainkv_results
  etcd_results=$(mktemp) grainkv_results=$(mktemp)
  for ((i = 1; i <= runs; i++)); do
    run_closed_loop "$etcd_endpoint" "$args" "$total" "$warmup" >>"$etcd_results"
    run_closed_loop "$grainkv_endpoint" "$args" "$total" "$warmup" >>"$grainkv_results"
    echo "  run $i/$runs: etcd $(tail -1 "$etcd_results")  grainkv $(tail -1 "$grainkv_results")  (req/s p99-ms; $(load))" >&2
  done

  echo "scenario $name: $args, --total $total, --warmup $warmup, medians of $runs runs"
  print_table "req/s p99-ms" "median median" "$etcd_results" "$grainkv_results"
  rm -f "$etcd_results" "$grainkv_results"
}

compare_streaming() {
  local name=$1 spec=$2 args measured warmup names combine filter
  IFS=';' read -r args measured warmup <<<"$spec"
  { read -r names; read -r combine; read -r filter; } < <(streaming_columns "$name")

  run_streaming "$etcd_endpoint" "$etcd_pid" "$args $warmup" "$filter" >/dev/null
  run_streaming "$grainkv_endpoint" "$grainkv_pid" "$args $warmup" "$filter" >/dev/null

  local etcd_results grainkv_results
  etcd_results=$(mktemp) grainkv_results=$(mktemp)
  for ((i = 1; i <= runs; i++)); do
    run_streaming "$etcd_endpoint" "$etcd_pid" "$args $measured" "$filter" >>"$etcd_results"
    run_streaming "$grainkv_endpoint" "$grainkv_pid" "$args $measured" "$filter" >>"$grainkv_results"
    echo "  run $i/$runs: etcd $(tail -1 "$etcd_results")  grainkv $(tail -1 "$grainkv_results")  ($names; $(load))" >&2
  done

  echo "scenario $name: $args $measured, after one discarded run with $warmup; medians of $runs runs (counts: sums)"
  print_table "$names" "$combine" "$etcd_results" "$grainkv_results"
  rm -f "$etcd_results" "$grainkv_results"
}

compare() {
  local spec
  if spec=$(closed_loop_args "$1"); then
    compare_closed_loop "$1" "$spec"
  elif spec=$(streaming_args "$1"); then
    compare_streaming "$1" "$spec"
  else
    echo "unknown scenario '$1'" >&2
    usage
  fi
}

if [[ $scenario == all ]]; then
  for name in put-1 put-256 range-l range-s watch lease-keepalive; do
    compare "$name"
  done
else
  compare "$scenario"
fi
