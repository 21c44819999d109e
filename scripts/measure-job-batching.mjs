#!/usr/bin/env node
// What continuous batching gives a worker, without Redis or PostgreSQL: the 10k seed chunks are
// embedded as a worker would, in jobs of JOB_CHUNKS (256), with `concurrency` jobs in flight on
// one embedder (a job starts as soon as another ends). With one job in flight every job is cut
// on its own, as before the batch pool; with more, their chunks share batches.
// Usage, after `bash scripts/setup.sh`: node scripts/measure-job-batching.mjs 1 2 4 1 2 4
// Prints one JSON line per run: chunks/s, padded/real tokens, inference batches.
import { performance } from 'node:perf_hooks';
import { createEmbedder } from '@embedq/embedder';
import { generateSeedChunks } from '@embedq/workload';

const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const JOB_CHUNKS = Number(process.env.JOB_CHUNKS ?? 256);
const levels = process.argv.slice(2).map(Number);
if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('usage: node scripts/measure-job-batching.mjs CONCURRENCY...  (e.g. 1 2 4 1 2 4)');
  process.exit(2);
}

const texts = generateSeedChunks(CHUNKS);
const jobs = [];
for (let from = 0; from < texts.length; from += JOB_CHUNKS) jobs.push(texts.slice(from, from + JOB_CHUNKS));
const embedder = await createEmbedder();
// Warm up once, so the first level measured does not pay ONNX Runtime's first runs.
await embedder.embed(texts.slice(0, 256));

for (const concurrency of levels) {
  let next = 0;
  const totals = { tokens: 0, paddedTokens: 0, runs: 0 };
  const onBatch = (report) => {
    totals.tokens += report.tokens;
    totals.paddedTokens += report.paddedTokens;
    if (report.run.lead) totals.runs++;
  };
  const lane = async () => {
    while (next < jobs.length) await embedder.embed(jobs[next++], { onBatch });
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      concurrency,
      jobChunks: JOB_CHUNKS,
      chunksPerSec: Number((CHUNKS / seconds).toFixed(1)),
      padding: Number((totals.paddedTokens / totals.tokens).toFixed(4)),
      batches: totals.runs,
    }),
  );
}
await embedder.close();
