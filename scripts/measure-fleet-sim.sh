#!/usr/bin/env bash
# The ceiling of one PostgreSQL and Redis: `embedq fleet-sim` (stand-in workers, real queue and
# database) against the API alone, on a fresh database of its own, each step into emptied tables.
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-fleet-sim.sh [fleet-sim options]
# e.g. bash scripts/measure-fleet-sim.sh --workers 1,2,4,8,16,32 --chunks 10000
set -euo pipefail
cd "$(dirname "$0")/.."
DB=embedq_fleet_sim_$$
PSQL=(psql -h 127.0.0.1 -U postgres -q)
"${PSQL[@]}" -c "CREATE DATABASE $DB"
export PORT=${PORT:-3200} DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB QUEUE_PREFIX=fleet-sim-$$ LOG_LEVEL=warn
export API_KEYS=fleet-sim-key-0001:* EMBEDQ_API_KEY=fleet-sim-key-0001 EMBEDQ_API_URL=http://127.0.0.1:$PORT
export RATE_LIMIT_PER_MINUTE=0
node packages/cli/dist/bin.js migrate >/dev/null
node apps/api/dist/main.js >/dev/null 2>&1 &
API=$!
cleanup() {
  kill "$API" 2>/dev/null && wait "$API" 2>/dev/null || true
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
  redis-cli --scan --pattern "$QUEUE_PREFIX:*" | xargs -r redis-cli del >/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  sleep 0.3
  curl -sf "localhost:$PORT/readyz" >/dev/null && break
done
node packages/cli/dist/bin.js fleet-sim --fresh "$@"
