#!/usr/bin/env bash
# The pipeline's overhead on the worker's own core: the worker pinned to CPU 1 (one ONNX Runtime
# session, one thread) and everything else (API, PostgreSQL, Redis, the load generator) pinned to
# CPU 0, end to end over N seed chunks; then `embedq bench` pinned to CPU 1 with the same session
# and thread, back to back. Prints both and their ratio. PostgreSQL's and Redis's affinity is put
# back to every CPU at the end. Needs 2 CPUs and root (or the owner of the postgres/redis processes).
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-pinned-pipeline.sh [CHUNKS]
set -euo pipefail
cd "$(dirname "$0")/.."
CHUNKS=${1:-10000}
ALL=$(printf '0-%d' "$(($(nproc) - 1))")
pin() { # pin CPULIST PID...: every thread of each process
  local cpus=$1 pid
  shift
  for pid in "$@"; do taskset -a -c -p "$cpus" "$pid" >/dev/null 2>&1 || true; done
}
services() { pgrep -u postgres; pgrep -x redis-server; }
restore() { pin "$ALL" $(services); }
trap restore EXIT

export ORT_SESSIONS=1 ORT_THREADS=1
source scripts/lib/start-measured-system.sh
start_measured_system pinned
trap 'stop_measured_system; restore' EXIT
API=$(pgrep -P "$START" -f apps/api/dist/main.js)
WORKER=$(pgrep -P "$START" -f apps/worker/dist/main.js)
pin 1 "$WORKER"
pin 0 "$API" "$START" $(services)
pipeline=$(taskset -c 0 node packages/cli/dist/bin.js load --chunks "$CHUNKS" --api "http://127.0.0.1:$PORT" 2>/dev/null |
  grep 'end to end' | grep -oE '[0-9]+\.[0-9]+ chunks/s' | head -1 | cut -d' ' -f1)
stop_measured_system
trap restore EXIT
restore
echo "pinned pipeline: $pipeline chunks/s"
bench=$(taskset -c 1 node packages/cli/dist/bin.js bench --chunks "$CHUNKS" --sessions 1 --threads 1 2>/dev/null |
  awk '/^embedq( \([a-z]+\))? +[0-9]/ { sub(/^embedq( \([a-z]+\))? +/, ""); print $1; exit }')
awk -v p="$pipeline" -v b="$bench" 'BEGIN { printf "pinned: pipeline %.1f chunks/s, bench %.1f chunks/s, ratio %.3f\n", p, b, p / b }'
