# Sourced by the measurement scripts: runs `pnpm start` (API + one worker) on a fresh database and
# queue prefix of its own, named after NAME, on PORT (default 3200), with one API key for every
# namespace; waits until it is ready; on exit stops it, drops the database and deletes the queue
# keys from the shared Redis. Sets START (the pid of scripts/start.mjs) and PSQL.
# Usage: source scripts/lib/start-measured-system.sh NAME
start_measured_system() {
  local name=$1
  DB=embedq_${name//-/_}_$$
  PSQL=(psql -h 127.0.0.1 -U postgres -q)
  "${PSQL[@]}" -c "CREATE DATABASE $DB"
  export PORT=${PORT:-3200} DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB QUEUE_PREFIX=$name-$$ LOG_LEVEL=warn
  export API_KEYS=$name-key-0001:* EMBEDQ_API_KEY=$name-key-0001 EMBEDQ_API_URL=http://127.0.0.1:$PORT
  node scripts/start.mjs 2>/dev/null &
  START=$!
  trap stop_measured_system EXIT
  for _ in $(seq 1 100); do
    sleep 0.3
    curl -sf "localhost:$PORT/readyz" >/dev/null && break
  done
  sleep 2
}

stop_measured_system() {
  kill "$START" 2>/dev/null && wait "$START" 2>/dev/null || true
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
  # The run's queue keys (completed jobs, metrics) would otherwise stay in the shared Redis.
  redis-cli --scan --pattern "$QUEUE_PREFIX:*" | xargs -r redis-cli del >/dev/null
}
