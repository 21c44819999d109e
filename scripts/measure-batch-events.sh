#!/usr/bin/env bash
# Server-sent batch events under load, against `pnpm start` on a fresh database of its own:
# the API's RSS and responsiveness with STREAMS (default 1000) open streams, and the time from a
# batch's last vector to its `completed` event for PROBES (default 200) small batches of 10 chunks
# posted one after another during a load of LOAD (default 10000) seed chunks.
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-batch-events.sh [STREAMS] [PROBES] [LOAD]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/start-measured-system.sh
# A thousand streams and two hundred probes are more requests a minute than one key may make.
export RATE_LIMIT_PER_MINUTE=0
start_measured_system batch-events
node scripts/measure-batch-events.mjs "$(pgrep -P "$START" -f apps/api/dist/main.js)" "$@"
