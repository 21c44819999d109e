#!/usr/bin/env node
// A namespace re-embedded int8 -> fp32 under load, through a running API and worker: while a
// load of new chunks (a 20-chunk batch every 2 s into the same namespace) and 10 searches per
// second run, measures search and ingest latency before the re-embedding (BEFORE_S seconds),
// during it, and after the switch-over (AFTER_S seconds); checks that no search fails or returns
// fewer than k results; reports the re-embedding's rate and the worker's peak RSS (VmHWM of
// WORKER_PID; the API's too with API_PID). The namespace must already hold the chunks (embedq
// load --keep).
// Usage: EMBEDQ_API_URL=... EMBEDQ_API_KEY=... EMBEDQ_ADMIN_KEY=... WORKER_PID=...
//        node scripts/measure-reembedding.mjs NAMESPACE [BEFORE_S] [AFTER_S]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedChunk, seedQuery } from '../packages/workload/dist/index.js';

const namespace = process.argv[2] ?? 'corpus';
const BEFORE_S = Number(process.argv[3] ?? 60);
const AFTER_S = Number(process.argv[4] ?? 30);
const api = process.env.EMBEDQ_API_URL ?? 'http://127.0.0.1:3000';
const key = process.env.EMBEDQ_API_KEY ?? 'local-dev-key';
const adminKey = process.env.EMBEDQ_ADMIN_KEY;
const workerPid = process.env.WORKER_PID;
const apiPid = process.env.API_PID;
const K = 10;

async function request(method, path, body, bearer = key) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, body: answer };
}

function procStatus(field, pid) {
  if (pid === undefined) return null;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line === undefined ? null : Number(line.split(/\s+/)[1]) / 1024;
}

// The phase every sample belongs to: before, during, after.
let phase = 'before';
const searches = { before: [], during: [], after: [] };
const ingests = { before: [], during: [], after: [] };
let searchFailures = 0;
let rateLimited = 0;
let shortResults = 0;
let stop = false;

async function searchLoop() {
  let i = 0;
  while (!stop) {
    const started = performance.now();
    const query = seedQuery(i++ % 1000);
    const at = phase;
    const answer = await request('POST', '/v1/search', { namespace, query, k: K }).catch((e) => ({
      status: 0,
      body: { error: String(e) },
    }));
    const ms = performance.now() - started;
    if (answer.status === 429) {
      // The API key's rate limit (the script's own polling counts too), not the re-embedding.
      rateLimited++;
    } else if (answer.status !== 200) {
      searchFailures++;
      process.stderr.write(`search failed: ${answer.status} ${JSON.stringify(answer.body)}\n`);
    } else {
      if (answer.body.results.length < K) shortResults++;
      searches[at].push(ms);
    }
    await sleep(Math.max(0, 100 - ms)); // 10 per second
  }
}

async function ingestLoop() {
  let n = 0;
  while (!stop) {
    const started = performance.now();
    const at = phase;
    const chunks = Array.from({ length: 20 }, (_, j) => ({ text: seedChunk(n * 20 + j, 777) }));
    const posted = await request('POST', '/v1/batches', { namespace, documentId: `live-${n++}`, chunks });
    if (posted.status === 202) {
      for (;;) {
        const progress = await request('GET', `/v1/batches/${posted.body.batchId}`);
        if (progress.body.pending === 0) break;
        await sleep(50);
      }
      ingests[at].push(performance.now() - started);
    } else process.stderr.write(`ingest refused: ${posted.status} ${JSON.stringify(posted.body)}\n`);
    await sleep(Math.max(0, 2_000 - (performance.now() - started)));
  }
}

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const summary = (values) => ({
  n: values.length,
  p50: Math.round(percentile(values, 50) * 10) / 10,
  p95: Math.round(percentile(values, 95) * 10) / 10,
});

const loops = [searchLoop(), ingestLoop()];
let rssPeak = 0;
const rssTimer = setInterval(() => {
  rssPeak = Math.max(rssPeak, procStatus('VmRSS', workerPid) ?? 0);
}, 250);

process.stderr.write(`[reembed] before: ${BEFORE_S} s of load\n`);
await sleep(BEFORE_S * 1_000);
const rssBefore = procStatus('VmHWM', workerPid);
const apiBefore = procStatus('VmHWM', apiPid);
phase = 'during';
const started = await request(
  'POST',
  '/admin/reembeddings',
  { to: 'fp32', namespaces: [namespace] },
  adminKey,
);
if (started.status !== 202) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
const t0 = Date.now();
let last;
for (;;) {
  await sleep(5_000);
  last = (await request('GET', `/admin/reembeddings?namespace=${namespace}`, undefined, adminKey)).body
    .reembeddings[0];
  process.stderr.write(
    `[reembed] ${last.state} ${last.doneChunks}/${last.totalChunks} ${last.chunksPerSecond?.toFixed(1)} chunks/s, ETA ${last.etaSeconds} s, worker RSS ${procStatus('VmRSS', workerPid)?.toFixed(0)} MB\n`,
  );
  if (last.state === 'switched') break;
}
const duringSeconds = (Date.parse(last.switchedAt) - Date.parse(last.createdAt)) / 1_000;
phase = 'after';
await sleep(AFTER_S * 1_000);
stop = true;
await Promise.all(loops);
clearInterval(rssTimer);
const result = {
  namespace,
  chunks: last.totalChunks,
  reembedSeconds: Math.round(duringSeconds * 10) / 10,
  reembedChunksPerSecond: Math.round((last.totalChunks / duringSeconds) * 10) / 10,
  wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
  searchFailures,
  rateLimited,
  shortResults,
  search: {
    before: summary(searches.before),
    during: summary(searches.during),
    after: summary(searches.after),
  },
  ingest: { before: summary(ingests.before), during: summary(ingests.during), after: summary(ingests.after) },
  workerPeakRssMb: {
    beforeReembedding: rssBefore,
    overall: procStatus('VmHWM', workerPid),
    sampledMax: Math.round(rssPeak),
  },
  // After the switch the API embeds the namespace's queries with fp32: that graph is loaded there too.
  apiPeakRssMb: { beforeReembedding: apiBefore, overall: procStatus('VmHWM', apiPid) },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
