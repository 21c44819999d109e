#!/usr/bin/env bash
# Webhook deliveries under load, against `pnpm start` on a fresh database of its own, to a
# receiver on loopback run by the measuring script: the time from a batch's last vector to its
# `completed` SSE event and to its webhook delivery for PROBES (default 200) batches of 10 chunks
# posted one after another during a load of LOAD (default 10000) seed chunks; then EVENTS (default
# 200) batches delivered to a receiver that answers 500 half the time, counting events lost and
# duplicated. Retries are the default eight attempts, their delays compressed to seconds.
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-webhooks.sh [PROBES] [LOAD] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/start-measured-system.sh
export RATE_LIMIT_PER_MINUTE=0 WEBHOOK_ALLOW_PRIVATE=true WEBHOOK_RETRY_DELAYS=0.2,0.4,0.8,1,1,1,1
start_measured_system webhooks
node scripts/measure-webhooks.mjs "$@"
