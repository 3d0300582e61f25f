#!/usr/bin/env bash
# Stops the silos ./start-cluster.sh started, by PID.
set -u
source "$(dirname "$0")/processes.sh"
stop_processes "${CLUSTER_DIR:-/tmp/grainkv-cluster}" '*'
