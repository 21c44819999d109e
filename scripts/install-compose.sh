#!/usr/bin/env bash
# Installs Debian's docker-compose (1.29) when it is missing, so CI can validate
# docker-compose.yml with `docker-compose config -q`; that needs no Docker engine. Does nothing,
# at once, when the command is already there.
set -euo pipefail

command -v docker-compose >/dev/null 2>&1 && exit 0

log() { printf '[install-compose] %s\n' "$*" >&2; }

SUDO=()
if [[ ${EUID} -ne 0 ]]; then
  command -v sudo >/dev/null || { log "must run as root (or with sudo available)"; exit 1; }
  SUDO=(sudo -n)
fi

work=$(mktemp)
trap 'rm -f "${work}"' EXIT
# Quiet unless it fails; then show why.
run() {
  if ! "$@" >"${work}" 2>&1 </dev/null; then
    tail -n 30 "${work}" >&2
    log "failed: $*"
    exit 1
  fi
}

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -q -o DPkg::Lock::Timeout=300)
# A fresh machine's package lists may be empty or stale: refresh only when the package is unknown.
if ! apt-cache show docker-compose >/dev/null 2>&1; then
  log "apt-get update"
  run "${SUDO[@]}" "${APT[@]}" update
fi
log "installing docker-compose"
# --no-install-recommends: the recommended docker.io engine cannot run here and is not needed.
run "${SUDO[@]}" "${APT[@]}" install -y --no-install-recommends docker-compose
command -v docker-compose >/dev/null || { log "docker-compose missing after install"; exit 1; }
log "$(docker-compose version --short 2>/dev/null || echo installed)"
