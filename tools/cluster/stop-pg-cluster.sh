#!/usr/bin/env bash
# Usage: stop-pg-cluster.sh [DIR]
# Stops what ./start-pg-cluster.sh DIR started, by PID: the gateway, then the silos, then the PostgreSQL
# servers (SIGTERM is PostgreSQL's smart shutdown: it waits for its clients, and the silos are gone by then).
set -u
source "$(dirname "$0")/processes.sh"
stop_processes "${1:-${CLUSTER_DIR:-/tmp/grainkv-pg-cluster}}" gateway 'silo*' 'postgres*'
