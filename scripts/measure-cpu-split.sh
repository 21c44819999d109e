#!/usr/bin/env bash
# Where the CPU goes in one end-to-end load: CPU seconds of the worker, the API, PostgreSQL and
# Redis (from /proc/<pid>/stat), and the worker's and API's peak RSS (VmHWM), while `embedq load`
# sends N seed chunks through `pnpm start`, on a fresh database of its own. DROP_HNSW=1 drops the
# vector index first, to see its cost; BEFORE_SQL runs any SQL on the run's database first (e.g.
# 'DROP INDEX chunks_metadata' or 'ALTER TABLE chunks DROP COLUMN search_vector').
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-cpu-split.sh [CHUNKS]
set -euo pipefail
cd "$(dirname "$0")/.."
CHUNKS=${1:-10000}
source scripts/lib/start-measured-system.sh
start_measured_system cpu-split
if [[ ${DROP_HNSW:-0} == 1 ]]; then "${PSQL[@]}" -d "$DB" -c 'DROP INDEX chunks_embedding'; fi
if [[ -n ${BEFORE_SQL:-} ]]; then "${PSQL[@]}" -d "$DB" -c "$BEFORE_SQL"; fi

TICK=$(getconf CLK_TCK)
# Sum of user + system clock ticks of the given processes.
ticks() {
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
API=$(pgrep -P "$START" -f apps/api/dist/main.js)
WORKER=$(pgrep -P "$START" -f apps/worker/dist/main.js)
REDIS=$(pgrep -x redis-server | head -1)
# PostgreSQL's processes, listed again at the end: backends the load opens count from their start.
postgres() { pgrep -u postgres | tr '\n' ' '; }

a0=$(ticks "$API"); w0=$(ticks "$WORKER"); p0=$(ticks $(postgres)); r0=$(ticks "$REDIS"); t0=$(date +%s.%N)
node packages/cli/dist/bin.js load --chunks "$CHUNKS" --api "http://127.0.0.1:$PORT" 2>/dev/null | grep 'end to end'
t1=$(date +%s.%N); a1=$(ticks "$API"); w1=$(ticks "$WORKER"); p1=$(ticks $(postgres)); r1=$(ticks "$REDIS")
awk -v wall="$(echo "$t1 - $t0" | bc)" -v t="$TICK" -v a=$((a1 - a0)) -v w=$((w1 - w0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) \
  'BEGIN { printf "wall %.1f s; CPU s: worker %.1f, postgres %.1f, api %.1f, redis %.1f (%.0f%% of 2 cores)\n", wall, w/t, p/t, a/t, r/t, 100*(w+p+a+r)/t/wall/2 }'
peak() { awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status"; }
echo "peak RSS: worker $(peak "$WORKER"), api $(peak "$API")"
