#!/usr/bin/env bash
# Installs a Debian package when what it provides is missing; does nothing, at once, when it is
# there. Usage: install-debian-package.sh PACKAGE PROVIDES [apt-get install options...]
# PROVIDES is a command looked up on PATH, or an absolute path that must be executable.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 PACKAGE PROVIDES [apt-get install options...]" >&2; exit 2; }
PACKAGE=$1
PROVIDES=$2
shift 2

present() {
  if [[ ${PROVIDES} == /* ]]; then [[ -x ${PROVIDES} ]]; else command -v "${PROVIDES}" >/dev/null 2>&1; fi
}
present && exit 0

log() { printf '[install %s] %s\n' "${PACKAGE}" "$*" >&2; }

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
if ! apt-cache show "${PACKAGE}" >/dev/null 2>&1; then
  log "apt-get update"
  run "${SUDO[@]}" "${APT[@]}" update
fi
log "installing"
run "${SUDO[@]}" "${APT[@]}" install -y "$@" "${PACKAGE}"
present || { log "${PROVIDES} missing after install"; exit 1; }
log "$("${PROVIDES}" --version 2>/dev/null | head -n 1 || echo installed)"
