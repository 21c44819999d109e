#!/usr/bin/env bash
# Installs Debian's chromium when /usr/bin/chromium is missing, for the browser tests of the
# admin pages (playwright-core drives it; playwright's own browser downloads need the internet).
# Does nothing, at once, when it is already there.
set -euo pipefail

[[ -x /usr/bin/chromium ]] && exit 0

log() { printf '[install-chromium] %s\n' "$*" >&2; }

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
if ! apt-cache show chromium >/dev/null 2>&1; then
  log "apt-get update"
  run "${SUDO[@]}" "${APT[@]}" update
fi
log "installing chromium"
run "${SUDO[@]}" "${APT[@]}" install -y chromium
[[ -x /usr/bin/chromium ]] || { log "/usr/bin/chromium missing after install"; exit 1; }
log "$(/usr/bin/chromium --version 2>/dev/null || echo installed)"
