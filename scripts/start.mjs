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
const { PROCESS_RUNTIMES, runtimeEnv } = await import(entry('packages/config/dist/index.js'));

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

// The API and the worker run as the Procfile's web and worker commands do: Node flags and
// environment from PROCESS_RUNTIMES (packages/config/src/process-runtime.ts says why).
const children = [
  ['api', PROCESS_RUNTIMES.web, api],
  ['worker', PROCESS_RUNTIMES.worker, worker],
].map(([name, runtime, script]) => {
  const child = spawn(process.execPath, [...runtime.nodeFlags, script], {
    stdio: 'inherit',
    env: runtimeEnv(runtime, env),
  });
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
