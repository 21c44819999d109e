#!/usr/bin/env bash
# Creates the database `embedq` on the local PostgreSQL (127.0.0.1:5432, user postgres), the
# default DATABASE_URL of `pnpm start`. Does nothing when DATABASE_URL is set (that database is
# the user's to create) or when the database exists.
set -euo pipefail

if [[ -n "${DATABASE_URL:-}" ]]; then
  exit 0
fi
psql=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -tA)
if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'embedq'")" != "1" ]]; then
  "${psql[@]}" -c 'CREATE DATABASE embedq' >/dev/null
  echo "[setup] created database embedq" >&2
fi
