#!/usr/bin/env bash
# Whole documents against pre-cut chunks, end to end, on one system: `pnpm start` on a fresh
# database of its own, then ROUNDS interleaved `embedq load` runs of the same CHUNKS seed chunks,
# posted as documents of 40 paragraphs (POST /v1/documents, split by the server) and as batches
# of the same 40 chunks (POST /v1/batches); each run deletes its documents, so the next embeds
# everything again. Then the edit measurement (scripts/measure-document-edits.mjs).
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-documents-e2e.sh [CHUNKS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
CHUNKS=${1:-4000}
ROUNDS=${2:-3}
PORT=${PORT:-3201}
source scripts/lib/start-measured-system.sh
start_measured_system docs-e2e
# A first, unmeasured run warms both processes.
node packages/cli/dist/bin.js load --chunks 1000 --batch-chunks 40 2>/dev/null >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  # The order alternates, so neither mode always runs on a warmer system.
  order=$([[ $((round % 2)) == 1 ]] && echo "documents chunks" || echo "chunks documents")
  for mode in $order; do
    flag=$([[ $mode == documents ]] && echo --documents || true)
    printf 'round %s, %s: ' "$round" "$mode"
    node packages/cli/dist/bin.js load --chunks "$CHUNKS" --batch-chunks 40 $flag 2>/dev/null | grep 'end to end' | sed 's/^ *//'
  done
done
node scripts/measure-document-edits.mjs 10
