#!/usr/bin/env bash
# Install the pgvector extension into the machine's local PostgreSQL 15 (Debian bookworm).
#
# Bookworm has no pgvector package, so this builds Debian trixie's *source* package against
# bookworm's PostgreSQL 15 (see /work/shared/ENVIRONMENT.md, "pgvector on the machine's
# PostgreSQL 15"). Only a `deb-src` entry for trixie is added: apt then fetches trixie's Sources
# index and no Packages index, so no trixie binary package can ever be a candidate for install.
#
# Idempotent: when vector.control and vector.so are already in place it exits at once.
#
# Environment (all optional):
#   PGHOST/PGPORT/PGUSER    server used for the final check (default 127.0.0.1 / 5432 / postgres)
#   PGVECTOR_DEBIAN_MIRROR  Debian archive URI to use for trixie's deb-src entry (default: the URI
#                           of the existing bookworm entry in the apt sources)
set -euo pipefail

PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config
EXT_DIR=/usr/share/postgresql/${PG_MAJOR}/extension
LIB_DIR=/usr/lib/postgresql/${PG_MAJOR}/lib
SRC_FILE=/etc/apt/sources.list.d/embedq-trixie-src.sources
LOCK_FILE=/var/lock/embedq-install-pgvector.lock
CHECK_DB=embedq_pgvector_check

log() { printf '[pgvector] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

installed() { [[ -f ${EXT_DIR}/vector.control && -f ${LIB_DIR}/vector.so ]]; }

# Fast path: nothing to do (no subprocesses, no psql, no apt).
if installed; then
  log "already installed (${EXT_DIR}/vector.control), nothing to do"
  exit 0
fi

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export DEBIAN_FRONTEND=noninteractive

SUDO=()
if [[ ${EUID} -ne 0 ]]; then
  command -v sudo >/dev/null || die "must run as root (or with sudo available)"
  SUDO=(sudo -n)
fi

# Serialise concurrent runs (e.g. two workers setting up at once), then re-check.
if command -v flock >/dev/null; then
  [[ -w ${LOCK_FILE%/*} ]] || LOCK_FILE=/tmp/embedq-install-pgvector.${EUID}.lock
  exec 9>>"${LOCK_FILE}"
  flock 9
  if installed; then
    log "installed by a concurrent run, nothing to do"
    exit 0
  fi
fi

command -v psql >/dev/null || die "psql not found (postgresql-client-${PG_MAJOR} missing?)"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
PSQL=(psql -X -q -A -t -v ON_ERROR_STOP=1)
server_version=$("${PSQL[@]}" -d postgres -c 'SHOW server_version_num') \
  || die "cannot connect to PostgreSQL at ${PGUSER}@${PGHOST}:${PGPORT}"
[[ ${server_version} == "${PG_MAJOR}"* ]] \
  || die "server at ${PGHOST}:${PGPORT} is version ${server_version}, expected ${PG_MAJOR}.x"

work=$(mktemp -d -t embedq-pgvector.XXXXXX)
cleanup() {
  rm -rf "${work}"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ${CHECK_DB}" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# Run a noisy command with its output in a log; show the log's tail only if it fails.
run() {
  if ! "$@" >"${work}/cmd.log" 2>&1 </dev/null; then
    tail -n 40 "${work}/cmd.log" >&2
    die "command failed: $*"
  fi
}

# --- 1. deb-src entry for trixie, on the same Debian mirror as the bookworm entries -------------
# Prints "URI<TAB>SIGNED-BY" of the first enabled `deb` entry for suite "bookworm" (deb822 *.sources
# and one-line *.list formats). Our own file is skipped.
find_bookworm_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f && $f != "${SRC_FILE}" ]] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""; signed = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (match(line, /^[A-Za-z-]+:/)) {
            key = tolower(substr(line, 1, RLENGTH - 1)); val = substr(line, RLENGTH + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", val)
            if (key == "types") types = val
            else if (key == "uris") uris = val
            else if (key == "suites") suites = val
            else if (key == "signed-by") signed = val
            else if (key == "enabled") enabled = tolower(val)
          }
        }
        if (enabled == "no" || (" " types " ") !~ / deb /) next
        if ((" " suites " ") !~ / bookworm /) next
        split(uris, u, /[ \t]+/)
        if (u[1] != "") { print u[1] "\t" signed; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk '/^[ \t]*deb[ \t]/ {
        line = $0; signed = ""
        if (match(line, /\[[^]]*\]/)) {
          opts = substr(line, RSTART + 1, RLENGTH - 2)
          line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH)
          if (match(opts, /signed-by=[^ \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
        }
        n = split(line, w, /[ \t]+/); k = 0
        for (i = 1; i <= n; i++) if (w[i] != "") f[++k] = w[i]
        if (f[1] == "deb" && f[3] == "bookworm") { print f[2] "\t" signed; exit }
      }' "$f"
  done
}

if [[ -n ${PGVECTOR_DEBIAN_MIRROR:-} ]]; then
  mirror=${PGVECTOR_DEBIAN_MIRROR}
  signed_by=/usr/share/keyrings/debian-archive-keyring.gpg
else
  IFS=$'\t' read -r mirror signed_by < <(find_bookworm_mirror | head -n 1) || true
  [[ -n ${mirror:-} ]] || die "no 'deb ... bookworm' entry found in /etc/apt; set PGVECTOR_DEBIAN_MIRROR"
fi

wanted="Types: deb-src
URIs: ${mirror}
Suites: trixie
Components: main${signed_by:+
Signed-By: ${signed_by}}"
if [[ ! -f ${SRC_FILE} || "$(cat "${SRC_FILE}")" != "${wanted}" ]]; then
  log "adding deb-src trixie (${mirror}) in ${SRC_FILE}"
  printf '%s\n' "${wanted}" | "${SUDO[@]}" tee "${SRC_FILE}" >/dev/null
fi

APT_OPTS=(-o DPkg::Lock::Timeout=300)
log "apt-get update"
# DPkg::Lock::Timeout does not cover the lists lock that `apt-get update` takes (apt 2.6), so wait
# for a concurrent apt run by hand.
for attempt in $(seq 60); do
  if "${SUDO[@]}" apt-get "${APT_OPTS[@]}" -q update >"${work}/cmd.log" 2>&1 </dev/null; then break; fi
  if ! grep -q 'Could not get lock' "${work}/cmd.log" || [[ ${attempt} -eq 60 ]]; then
    tail -n 40 "${work}/cmd.log" >&2
    die "apt-get update failed"
  fi
  [[ ${attempt} -eq 1 ]] && log "waiting for another apt process to release its lock"
  sleep 5
done

# --- 2. build dependencies (bookworm binaries only) ---------------------------------------------
log "installing postgresql-server-dev-${PG_MAJOR}, build-essential"
# --no-upgrade: install what is missing, but do not upgrade what is already there (naming dpkg-dev
# would otherwise upgrade dpkg itself). dpkg-dev provides dpkg-source, which `apt-get source` needs
# to unpack (build-essential depends on it too).
run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -q install -y \
  --no-install-recommends --no-upgrade "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev
[[ -x ${PG_CONFIG} ]] || die "${PG_CONFIG} missing after install"

# --- 3. fetch, build and install trixie's pgvector source ---------------------------------------

log "apt-get source pgvector/trixie"
mkdir "${work}/src"
# apt downloads as the unprivileged _apt user when run as root; let it write there.
if [[ ${EUID} -eq 0 ]] && id _apt >/dev/null 2>&1; then
  chmod 0755 "${work}"
  chown _apt "${work}/src"
fi
cd "${work}/src"
run apt-get -q source pgvector/trixie
cd /
src=$(find "${work}/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
[[ -n ${src} ]] || die "apt-get source did not unpack pgvector"

log "building $(basename "${src}") against $("${PG_CONFIG}" --version)"
# OPTFLAGS="": no -march=native, so the build runs on any x86-64 machine.
run make -C "${src}" -j"$(nproc)" OPTFLAGS="" PG_CONFIG="${PG_CONFIG}"
run "${SUDO[@]}" make -C "${src}" install OPTFLAGS="" PG_CONFIG="${PG_CONFIG}"
installed || die "make install did not put vector.control/vector.so in place"

# --- 4. verify on the running server, in a throwaway database -----------------------------------
log "verifying in throwaway database ${CHECK_DB}"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ${CHECK_DB}" >/dev/null
"${PSQL[@]}" -d postgres -c "CREATE DATABASE ${CHECK_DB}" >/dev/null
result=$("${PSQL[@]}" -d "${CHECK_DB}" \
  -c "CREATE EXTENSION IF NOT EXISTS vector" \
  -c "SELECT extversion || ' ' || ('[1,2,3]'::vector <=> '[1,2,4]'::vector) FROM pg_extension WHERE extname = 'vector'")
"${PSQL[@]}" -d postgres -c "DROP DATABASE ${CHECK_DB}" >/dev/null
read -r version distance <<<"${result}"
[[ ${distance:-} =~ ^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] \
  || die "unexpected result from the check query: '${result}'"
log "pgvector ${version} installed; '[1,2,3]' <=> '[1,2,4]' = ${distance}"
