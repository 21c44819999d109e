#!/usr/bin/env bash
# Turns a full install (`pnpm install --frozen-lockfile`, which also built the model) into what a
# production dyno or container runs: compiled packages, production dependencies only, and
# onnxruntime-node's binaries for this platform only. Heroku runs it as `heroku-postbuild`; the
# Dockerfile runs it in its build stage. It deletes devDependencies, so it wants --yes.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-slug] %s\n' "$*" >&2; }

if [[ ${1:-} != --yes ]]; then
  log "usage: bash scripts/build-slug.sh --yes  (removes devDependencies from this checkout)"
  exit 2
fi

# onnxruntime-node's install script would try to download CUDA parts; its CPU binary ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip

log "compiling"
pnpm build

# The slug must carry the model: dynos cannot build it (the builder needs devDependencies).
log "checking the model against models/*.lock.json"
node packages/model/dist/bin.js verify

# `pnpm prune` does not work across a workspace: reinstall production dependencies instead, from
# the store the full install filled. The model is already built, and the postinstall that builds
# it needs typescript, which this install leaves out.
log "reinstalling production dependencies only"
rm -rf node_modules apps/*/node_modules packages/*/node_modules
EMBEDQ_SKIP_MODEL=1 pnpm install --prod --frozen-lockfile --prefer-offline

log "removing other platforms' native binaries"
node scripts/prune-slug.mjs --yes

# Build caches only.
rm -rf .turbo
log "done"
