#!/usr/bin/env node
// The API's memory while whole documents of MAX_DOCUMENT_BYTES are posted back to back: runs the
// API alone (as the Procfile's web process: same Node flags and environment) on a fresh database
// and queue prefix of its own, posts COUNT markdown documents of SIZE bytes one after another,
// and reports each request's time and chunks and the API's RSS (sampled every 20 ms, and its
// peak, VmHWM). No worker runs: the jobs wait in Redis and are removed at the end with the database.
// Usage, after `bash scripts/setup.sh`: node scripts/measure-document-memory.mjs [COUNT] [SIZE]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PROCESS_RUNTIMES, runtimeEnv } from '../packages/config/dist/index.js';
import { generateSeedChunks } from '../packages/workload/dist/index.js';

const COUNT = Number(process.argv[2] ?? 20);
const SIZE = Number(process.argv[3] ?? 5 * 1_048_576);
const root = fileURLToPath(new URL('..', import.meta.url));
const port = 3300 + (process.pid % 500);
const database = `embedq_docmem_${process.pid}`;
const prefix = `docmem-${process.pid}`;
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
const key = 'docmem-key-000001';
const psql = (sql) => spawnSync('psql', [serverUrl, '-q', '-c', sql], { stdio: 'inherit' });

/** A markdown document of about `bytes` bytes: seed paragraphs under headings. */
function documentText(bytes, seed) {
  const parts = [];
  let size = 0;
  let i = 0;
  for (const paragraph of generateSeedChunks(Math.ceil(bytes / 250), seed)) {
    const part = i % 20 === 0 ? `## Part ${i / 20}\n\n${paragraph}` : paragraph;
    if (size + Buffer.byteLength(part) + 2 > bytes) break;
    parts.push(part);
    size += Buffer.byteLength(part) + 2;
    i++;
  }
  return parts.join('\n\n');
}

const rssOf = (pid, field) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`));
  return line === null ? Number.NaN : Number(line[1]) / 1024;
};

psql(`CREATE DATABASE ${database}`);
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: prefix,
  PORT: String(port),
  API_KEYS: `${key}:*`,
  LOG_LEVEL: 'warn',
};
spawnSync(process.execPath, [`${root}packages/cli/dist/bin.js`, 'migrate'], { env, stdio: 'inherit' });
const api = spawn(process.execPath, [...PROCESS_RUNTIMES.web.nodeFlags, `${root}apps/api/dist/main.js`], {
  env: runtimeEnv(PROCESS_RUNTIMES.web, env),
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.ok) break;
    if (i > 200) throw new Error('the API did not become ready');
    await sleep(100);
  }
  // The texts are built before the clock starts; each one is a different text.
  const texts = Array.from({ length: COUNT }, (_, i) => documentText(SIZE, 100 + i));
  const idle = rssOf(api.pid, 'VmRSS');
  let sampled = idle;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, rssOf(api.pid, 'VmRSS'));
  }, 20);
  const seconds = [];
  let chunks = 0;
  for (const [i, text] of texts.entries()) {
    const started = performance.now();
    const response = await fetch(`${base}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: `doc-${i}`, text, contentType: 'text/markdown' }),
    });
    const body = await response.json();
    if (response.status !== 202) throw new Error(`document ${i}: ${response.status} ${JSON.stringify(body)}`);
    seconds.push((performance.now() - started) / 1000);
    chunks += body.chunkCount;
  }
  clearInterval(sampler);
  const sorted = [...seconds].sort((a, b) => a - b);
  process.stdout.write(
    `${COUNT} documents of ${(Buffer.byteLength(texts[0]) / 1_048_576).toFixed(2)} MiB (${chunks} chunks) posted one after another: ` +
      `per request median ${sorted[Math.floor(COUNT / 2)].toFixed(2)} s, max ${sorted.at(-1).toFixed(2)} s\n` +
      `API RSS: ${idle.toFixed(0)} MB ready, highest sample ${sampled.toFixed(0)} MB, peak (VmHWM) ${rssOf(api.pid, 'VmHWM').toFixed(0)} MB\n`,
  );
} finally {
  api.kill('SIGTERM');
  await new Promise((resolve) => api.once('exit', resolve));
  psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  spawnSync('sh', ['-c', `redis-cli --scan --pattern '${prefix}:*' | xargs -r redis-cli del >/dev/null`], {
    stdio: 'inherit',
  });
}
