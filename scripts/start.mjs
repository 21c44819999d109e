#!/usr/bin/env node
// `pnpm start`: migrates the database, then runs the API and one worker against REDIS_URL and
// DATABASE_URL (default: the local services) until Ctrl-C or SIGTERM, which both children get.
// On Heroku the Procfile runs them as separate dynos instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = (path) => {
  const file = `${root}${path}`;
  if (!existsSync(file)) {
    process.stderr.write(`[start] ${path} is missing: run 'pnpm build' (or 'bash scripts/setup.sh') first\n`);
    process.exit(1);
  }
  return file;
};
const cli = entry('packages/cli/dist/bin.js');
const api = entry('apps/api/dist/main.js');
const worker = entry('apps/worker/dist/main.js');

// Local keys when none are set (docker-compose uses the same); deployments must set their own,
// the API refuses to start without API_KEYS.
const env = { ...process.env };
if (!env.API_KEYS) {
  env.API_KEYS = 'local-dev-key:*';
  env.ADMIN_API_KEY ||= 'local-admin-key';
  process.stderr.write(
    "[start] API_KEYS is not set: using the local keys 'local-dev-key' (every namespace) and 'local-admin-key' (/admin, /metrics)\n",
  );
}

const migrated = spawnSync(process.execPath, [cli, 'migrate'], { stdio: 'inherit' });
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

// The API runs as the Procfile's web command does. Its V8 young generation stays small (2 MB
// semi-spaces): its requests are small and short, and the default lets RSS grow ~15 MB under load.
// Small semi-spaces promote more short-lived objects, and V8 then let old space fill with them
// (heap 28 MB live, 72 MB used, RSS 213 MB late in a 50k-chunk load); --optimize-for-size collects
// sooner (peak 175 MB against 189 MB in the same 50k load, search latency unchanged).
// A fixed glibc mmap threshold hands blocks of 64 KB and more back to the system when freed: what
// ONNX Runtime allocates only while it loads the model is not kept (API peak RSS 194 -> 180 MB).
// The worker gets the same threshold: each of its session threads loads the model, and without
// it the worker peaked at 302-305 MB over 10k-chunk loads, with it at 280 MB.
const children = [
  [
    'api',
    ['--max-semi-space-size=2', '--optimize-for-size', api],
    { MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? '65536' },
  ],
  ['worker', [worker], { MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? '65536' }],
].map(([name, args, extraEnv]) => {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`[start] the ${name} exited (${signal ?? `code ${code}`}); stopping the rest\n`);
      stop('SIGTERM', code ?? 1);
    }
  });
  return child;
});
process.stderr.write(
  `[start] api on http://127.0.0.1:${process.env.PORT ?? 3000}, one worker; Ctrl-C stops both\n`,
);

let stopping = false;
function stop(signal, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  let running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill(signal);
  const done = () => {
    running = running.filter((c) => c.exitCode === null && c.signalCode === null);
    if (running.length === 0) process.exit(exitCode);
  };
  for (const child of running) child.on('exit', done);
  done();
}
process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));
