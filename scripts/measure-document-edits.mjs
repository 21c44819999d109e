#!/usr/bin/env node
// Re-posting an edited document through a running API: posts a plain-text document of seed
// paragraphs that splits into about 200 chunks (default options), waits until it is embedded,
// then EDITS times replaces one paragraph with another text, re-posts it and reads from the
// batch's progress how many chunks kept their vectors (reused) and how many were embedded again.
// Usage: EMBEDQ_API_URL=http://127.0.0.1:3000 EMBEDQ_API_KEY=... node scripts/measure-document-edits.mjs [EDITS]
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSeedChunks } from '../packages/workload/dist/index.js';

const EDITS = Number(process.argv[2] ?? 10);
const api = process.env.EMBEDQ_API_URL ?? 'http://127.0.0.1:3000';
const key = process.env.EMBEDQ_API_KEY ?? 'local-dev-key';
const namespace = `edits-${process.pid}`;

async function request(method, path, body) {
  for (;;) {
    const response = await send(method, path, body);
    // The per-key rate limit (a measuring script polls; the loads before it used the same key).
    if (response.status === 429) {
      await response.arrayBuffer();
      await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
      continue;
    }
    const answer = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }
}

function send(method, path, body) {
  return fetch(`${api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function post(text) {
  const { batchId } = await request('POST', '/v1/documents', { namespace, documentId: 'paper', text });
  for (;;) {
    const progress = await request('GET', `/v1/batches/${batchId}`);
    if (progress.pending === 0) return progress;
    await sleep(200);
  }
}

// 280 seed paragraphs split into about 200 chunks of at most 128 word pieces.
const paragraphs = generateSeedChunks(280, 4242);
const first = await post(paragraphs.join('\n\n'));
process.stdout.write(`posted: ${first.total} chunks, all embedded in ${seconds(first)} s\n`);
const changed = [];
let current = paragraphs.slice();
for (let edit = 0; edit < EDITS; edit++) {
  current = current.slice();
  const k = (edit * 97 + 13) % current.length;
  current[k] = generateSeedChunks(1, 50_000 + edit)[0];
  const progress = await post(current.join('\n\n'));
  const again = progress.total - progress.reused;
  changed.push(again);
  process.stdout.write(
    `edit ${edit + 1} (paragraph ${k}): ${progress.total} chunks, ${progress.reused} kept their vectors, ${again} embedded again, done in ${seconds(progress)} s\n`,
  );
}
const sorted = [...changed].sort((a, b) => a - b);
process.stdout.write(
  `chunks embedded again per one-paragraph edit: median ${sorted[Math.floor(sorted.length / 2)]}, mean ${(changed.reduce((a, b) => a + b, 0) / changed.length).toFixed(1)}, max ${sorted.at(-1)} (of ~${first.total})\n`,
);
await request('DELETE', `/v1/documents/paper?namespace=${namespace}`);

function seconds(progress) {
  return ((Date.parse(progress.completedAt) - Date.parse(progress.enqueuedAt)) / 1000).toFixed(2);
}
