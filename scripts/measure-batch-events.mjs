#!/usr/bin/env node
// The measurements of scripts/measure-batch-events.sh (which starts the system and sets the
// environment: EMBEDQ_API_URL, EMBEDQ_API_KEY). Usage: node measure-batch-events.mjs API_PID
// [STREAMS] [PROBES] [LOAD].
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSeedChunks } from '../packages/workload/dist/index.js';
import { followBatchEvents } from './lib/follow-batch-events.mjs';

const api = process.env.EMBEDQ_API_URL;
const headers = { authorization: `Bearer ${process.env.EMBEDQ_API_KEY}`, 'content-type': 'application/json' };
const [apiPid, streamsArg, probesArg, loadArg] = process.argv.slice(2);
const STREAMS = Number(streamsArg ?? 1000);
const PROBES = Number(probesArg ?? 200);
const LOAD = Number(loadArg ?? 10_000);

const rssMb = () => Number(readFileSync(`/proc/${apiPid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const post = async (path, body) => {
  const response = await fetch(`${api}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

/** Follows a batch's stream; its `completed` event, or undefined (logged) when there was none. */
async function follow(batchId) {
  const final = await followBatchEvents(api, headers, batchId);
  if (final.at !== undefined) return final;
  console.error(`no completed event for ${batchId}: ${JSON.stringify(final.tail)}`);
  return undefined;
}

// 1. STREAMS streams open on one batch that takes a while, with /healthz timed meanwhile.
const idle = rssMb();
const big = await post('/v1/batches', {
  namespace: 'events-streams',
  documentId: 'big',
  chunks: generateSeedChunks(3_000, 5).map((text) => ({ text })),
});
const streams = Array.from({ length: STREAMS }, () => follow(big.batchId));
await sleep(2_000);
const opened = rssMb();
let peak = opened;
const healthMs = [];
let streamsDone = false;
Promise.all(streams).then(() => {
  streamsDone = true;
});
while (!streamsDone) {
  const started = performance.now();
  await fetch(`${api}/healthz`);
  healthMs.push(performance.now() - started);
  peak = Math.max(peak, rssMb());
  await sleep(50);
}
const finals = await Promise.all(streams);
console.log(
  JSON.stringify({
    streams: STREAMS,
    completedEvents: finals.filter((f) => f !== undefined).length,
    apiRssMb: {
      idle: +idle.toFixed(1),
      streamsOpen: +opened.toFixed(1),
      peakWhileStreaming: +peak.toFixed(1),
    },
    healthzMs: {
      p50: +pct(healthMs, 50).toFixed(1),
      p99: +pct(healthMs, 99).toFixed(1),
      max: +Math.max(...healthMs).toFixed(1),
      samples: healthMs.length,
    },
  }),
);

// 2. PROBES small batches during a load: last vector -> completed event.
const loadChunks = generateSeedChunks(LOAD, 17);
const load = (async () => {
  for (let i = 0; i < LOAD; i += 500) {
    await post('/v1/batches', {
      namespace: 'events-load',
      documentId: `load-${i}`,
      chunks: loadChunks.slice(i, i + 500).map((text) => ({ text })),
    });
  }
})();
const lagMs = [];
for (let i = 0; i < PROBES; i++) {
  const probe = await post('/v1/batches', {
    namespace: 'events-probes',
    documentId: `probe-${i}`,
    chunks: generateSeedChunks(10, 1_000 + i).map((text) => ({ text })),
  });
  const final = await follow(probe.batchId);
  lagMs.push(final.at - Date.parse(final.data.completedAt));
}
await load;
console.log(
  JSON.stringify({
    probes: PROBES,
    lastVectorToCompletedEventMs: {
      p50: +pct(lagMs, 50).toFixed(1),
      p95: +pct(lagMs, 95).toFixed(1),
      max: +Math.max(...lagMs).toFixed(1),
    },
  }),
);
