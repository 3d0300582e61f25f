#!/usr/bin/env bash
# Runs one benchmark scenario against etcd and GrainKv, alternating (etcd, grainkv) x RUNS so that drift in the
# machine hits both alike, and prints the median throughput and p99 of each and the ratio GrainKv/etcd.
# The servers must already be running: this script never starts or stops one. Every run is bounded by --total.
#
# usage: compare.sh ETCD_ENDPOINT GRAINKV_ENDPOINT SCENARIO|all
#   scenarios: put-1      put, 1 client, 1 connection
#              put-256    put, 256 clients, 16 connections
#              range-l    linearizable range of one key, 256 clients, 16 connections
#              range-s    serializable range of one key, 256 clients, 16 connections
# environment: RUNS (default 3), TOTAL (overrides each scenario's request count), WARMUP (overrides its warm-up),
#              BENCH (a built GrainKv.Bench executable; otherwise this script builds one in Release)
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
}

[[ $# -eq 3 ]] || usage
etcd_endpoint=$1
grainkv_endpoint=$2
scenario=$3
runs=${RUNS:-3}

command -v jq >/dev/null || { echo "compare.sh needs jq (apt-get install jq)" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
if [[ -z "${BENCH:-}" ]]; then
  artifacts=${BENCH_ARTIFACTS:-/tmp/grainkv-bench-artifacts}
  dotnet build "$here/GrainKv.Bench.csproj" -c Release --artifacts-path "$artifacts" -nologo -v quiet >&2
  BENCH="$artifacts/bin/GrainKv.Bench/release/GrainKv.Bench"
fi

# name -> "command flags" ; total ; warm-up
scenario_args() {
  case $1 in
    put-1)   echo "put --clients 1 --conns 1;5000;2000" ;;
    put-256) echo "put --clients 256 --conns 16;40000;10000" ;;
    range-l) echo "range --consistency l --clients 256 --conns 16;100000;20000" ;;
    range-s) echo "range --consistency s --clients 256 --conns 16;100000;20000" ;;
    *) echo "unknown scenario '$1'" >&2; usage ;;
  esac
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One bounded run; prints "throughput p99" and fails the script if any request failed.
run_once() {
  local endpoint=$1 args=$2 total=$3 warmup=$4 output
  # shellcheck disable=SC2086 # args is a list of flags on purpose
  if ! output=$("$BENCH" $args --endpoints "$endpoint" --total "$total" --warmup "$warmup" --json); then
    echo "run against $endpoint failed: $output" >&2
    exit 1
  fi
  jq -r '"\(.throughputPerSecond) \(.latencyMs.p99)"' <<<"$output"
}

compare() {
  local name=$1 spec args total warmup
  spec=$(scenario_args "$name")
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

  local etcd_results=() grainkv_results=()
  for ((i = 1; i <= runs; i++)); do
    etcd_results+=("$(run_once "$etcd_endpoint" "$args" "$total" "$warmup")")
    grainkv_results+=("$(run_once "$grainkv_endpoint" "$args" "$total" "$warmup")")
    echo "  run $i/$runs: etcd ${etcd_results[-1]}  grainkv ${grainkv_results[-1]}  (req/s p99-ms)" >&2
  done

  local et ep gt gp
  et=$(printf '%s\n' "${etcd_results[@]}" | cut -d' ' -f1 | median)
  ep=$(printf '%s\n' "${etcd_results[@]}" | cut -d' ' -f2 | median)
  gt=$(printf '%s\n' "${grainkv_results[@]}" | cut -d' ' -f1 | median)
  gp=$(printf '%s\n' "${grainkv_results[@]}" | cut -d' ' -f2 | median)
  echo "scenario $name: $args, --total $total, --warmup $warmup, medians of $runs runs"
  awk -v et="$et" -v ep="$ep" -v gt="$gt" -v gp="$gp" 'BEGIN {
    printf "  %-16s %14s %10s\n", "", "req/s", "p99 ms"
    printf "  %-16s %14.1f %10.3f\n", "etcd", et, ep
    printf "  %-16s %14.1f %10.3f\n", "grainkv", gt, gp
    printf "  %-16s %14.2f %10.2f\n", "grainkv/etcd", (et > 0 ? gt / et : 0), (ep > 0 ? gp / ep : 0)
  }'
}

if [[ $scenario == all ]]; then
  for name in put-1 put-256 range-l range-s; do
    compare "$name"
  done
else
  compare "$scenario"
fi
