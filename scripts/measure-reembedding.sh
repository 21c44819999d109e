#!/usr/bin/env bash
# Re-embedding under load, end to end: starts the system (`pnpm start`: API + one worker, the
# defaults: int8), loads CHUNKS seed chunks into one namespace, then runs
# scripts/measure-reembedding.mjs (re-embeds the namespace with fp32 while new chunks and 10
# searches/s run) and finally `embedq bench --precision fp32` on the same host, for the ratio.
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-reembedding.sh [CHUNKS] [BEFORE_S] [AFTER_S]
set -euo pipefail
cd "$(dirname "$0")/.."
CHUNKS=${1:-50000}
# The key rate limit is off: the script polls batches every 50 ms besides its 10 searches/s.
export ADMIN_API_KEY=reembed-admin-key-0001 EMBEDQ_ADMIN_KEY=reembed-admin-key-0001 RATE_LIMIT_PER_MINUTE=0
source scripts/lib/start-measured-system.sh
start_measured_system reembed
WORKER_PID=$(pgrep -P "$START" -f apps/worker/dist/main.js)
API_PID=$(pgrep -P "$START" -f apps/api/dist/main.js)
export WORKER_PID API_PID
node packages/cli/dist/bin.js load --chunks "$CHUNKS" --keep --namespace corpus --api "$EMBEDQ_API_URL" 2>/dev/null |
  grep 'end to end' || true
"${PSQL[@]}" -d "$DB" -c 'VACUUM ANALYZE'
node scripts/measure-reembedding.mjs corpus "${2:-60}" "${3:-30}" | tee "/tmp/reembed-$$.json"
stop_measured_system
trap - EXIT
echo "fp32 bench on this host (10k seed chunks):"
node packages/cli/dist/bin.js bench --chunks 10000 --precision fp32 2>/dev/null | awk '/^embedq( \([a-z]+\))? +[0-9]/ { sub(/^embedq( \([a-z]+\))? +/, ""); print "bench fp32: " $1 " chunks/s"; exit }'
