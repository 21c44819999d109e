#!/usr/bin/env bash
# Sets up embedq on a fresh machine of this kind: pnpm, dependencies, the model (built from the
# published weights and checked against models/*.lock.json), pgvector for the local PostgreSQL,
# the local database, the compiled packages and the database schema. Safe to run again; each step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v pnpm >/dev/null 2>&1; then
  log "installing pnpm"
  npm install --global pnpm@10.34.9 >/dev/null
fi

# onnxruntime-node's install script would try to download CUDA parts; the CPU binary ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
log "installing dependencies and building the model"
pnpm install --frozen-lockfile

log "installing pgvector into the local PostgreSQL (skipped when present)"
bash scripts/install-pgvector.sh

log "installing docker-compose to validate docker-compose.yml (skipped when present)"
# Debian's 1.29 validates with `docker-compose config -q` without an engine; --no-install-recommends
# leaves out the docker.io engine it recommends, which cannot run here.
bash scripts/install-debian-package.sh docker-compose docker-compose --no-install-recommends

log "installing Debian's chromium for the browser tests (skipped when present)"
# playwright-core drives it; playwright's own browser downloads need the internet.
bash scripts/install-debian-package.sh chromium /usr/bin/chromium

log "creating the local database embedq (skipped when present or when DATABASE_URL is set)"
bash scripts/create-local-database.sh

log "compiling"
pnpm build

log "migrating the database"
node packages/cli/dist/bin.js migrate
log "done"
