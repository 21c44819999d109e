#!/usr/bin/env node
// The measurements of scripts/measure-webhooks.sh (which starts the system and sets the
// environment: EMBEDQ_API_URL, EMBEDQ_API_KEY). Usage: node measure-webhooks.mjs [PROBES] [LOAD] [EVENTS].
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSeedChunks } from '../packages/workload/dist/index.js';
import { followBatchEvents } from './lib/follow-batch-events.mjs';

const api = process.env.EMBEDQ_API_URL;
const headers = { authorization: `Bearer ${process.env.EMBEDQ_API_KEY}`, 'content-type': 'application/json' };
const [probesArg, loadArg, eventsArg] = process.argv.slice(2);
const PROBES = Number(probesArg ?? 200);
const LOAD = Number(loadArg ?? 10_000);
const EVENTS = Number(eventsArg ?? 200);

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const request = async (method, path, body, expected) => {
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status !== expected)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
const post = (path, body) => request('POST', path, body, path === '/v1/webhooks' ? 201 : 202);

// The receiver: every request with its arrival time; `failureRate` of them answered 500.
const received = [];
const waiting = new Map();
let failureRate = 0;
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const at = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const status = Math.random() < failureRate ? 500 : 204;
    received.push({ at, path: req.url, id: req.headers['webhook-id'], body, status });
    if (status === 204) waiting.get(body.data.batchId)?.(at);
    res.writeHead(status).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = (path) => `http://127.0.0.1:${receiver.address().port}${path}`;

/** Follows a batch's stream; its `completed` event's arrival time and data. */
async function follow(batchId) {
  const final = await followBatchEvents(api, headers, batchId);
  if (final.at === undefined)
    throw new Error(`no completed event for ${batchId}: ${JSON.stringify(final.tail)}`);
  return final;
}

// 1. PROBES batches during a load: last vector -> completed event, and -> webhook delivery.
await post('/v1/webhooks', {
  namespace: 'hooks-probes',
  url: hookUrl('/probes'),
  events: ['batch.completed'],
});
const loadChunks = generateSeedChunks(LOAD, 17);
const load = (async () => {
  for (let i = 0; i < LOAD; i += 500) {
    await post('/v1/batches', {
      namespace: 'hooks-load',
      documentId: `load-${i}`,
      chunks: loadChunks.slice(i, i + 500).map((text) => ({ text })),
    });
  }
})();
const sseMs = [];
const webhookMs = [];
for (let i = 0; i < PROBES; i++) {
  const probe = await post('/v1/batches', {
    namespace: 'hooks-probes',
    documentId: `probe-${i}`,
    chunks: generateSeedChunks(10, 1_000 + i).map((text) => ({ text })),
  });
  const delivered = new Promise((resolve) => waiting.set(probe.batchId, resolve));
  const final = await follow(probe.batchId);
  const deliveredAt = await delivered;
  const lastVector = Date.parse(final.data.completedAt);
  sseMs.push(final.at - lastVector);
  webhookMs.push(deliveredAt - lastVector);
}
await load;
const summary = (values) => ({
  p50: +pct(values, 50).toFixed(1),
  p95: +pct(values, 95).toFixed(1),
  max: +Math.max(...values).toFixed(1),
});
console.log(
  JSON.stringify({
    probes: PROBES,
    load: LOAD,
    lastVectorToCompletedEventMs: summary(sseMs),
    lastVectorToWebhookMs: summary(webhookMs),
  }),
);

// 2. EVENTS batches to a receiver that fails half the time: every event delivered (or visibly
// given up after the last attempt), one webhook-id per event, no event acknowledged twice.
failureRate = 0.5;
const flaky = await post('/v1/webhooks', {
  namespace: 'hooks-flaky',
  url: hookUrl('/flaky'),
  events: ['batch.completed', 'batch.failed'],
});
const batchIds = [];
for (let i = 0; i < EVENTS; i++) {
  const batch = await post('/v1/batches', {
    namespace: 'hooks-flaky',
    documentId: `flaky-${i}`,
    chunks: generateSeedChunks(2, 5_000 + i).map((text) => ({ text })),
  });
  batchIds.push(batch.batchId);
}
const started = Date.now();
let deliveries;
for (;;) {
  ({ deliveries } = await request('GET', `/v1/webhooks/${flaky.id}/deliveries?limit=500`, undefined, 200));
  if (deliveries.length >= EVENTS && deliveries.every((d) => d.status !== 'pending')) break;
  if (Date.now() - started > 600_000) throw new Error('deliveries still pending after 10 minutes');
  await sleep(500);
}
const requests = received.filter((r) => r.path === '/flaky');
const idsByBatch = new Map();
for (const r of requests)
  idsByBatch.set(r.body.data.batchId, new Set([...(idsByBatch.get(r.body.data.batchId) ?? []), r.id]));
const acknowledged = new Map();
for (const r of requests.filter((r) => r.status === 204))
  acknowledged.set(r.id, (acknowledged.get(r.id) ?? 0) + 1);
const givenUp = deliveries.filter((d) => d.status === 'failed');
const delivered = deliveries.filter((d) => d.status === 'delivered');
const attempts = deliveries.map((d) => d.attempts);
const lost = batchIds.filter((id) => {
  const ids = idsByBatch.get(id);
  return (
    ids === undefined || ![...ids].some((wid) => acknowledged.has(wid) || givenUp.some((d) => d.id === wid))
  );
});
const webhook = await request('GET', `/v1/webhooks/${flaky.id}`, undefined, 200);
console.log(
  JSON.stringify({
    events: EVENTS,
    receiverFailureRate: 0.5,
    requests: requests.length,
    requestsAnswered500: requests.filter((r) => r.status === 500).length,
    delivered: delivered.length,
    givenUpAfterAllAttempts: givenUp.length,
    lost: lost.length,
    eventsWithMoreThanOneWebhookId: [...idsByBatch.values()].filter((ids) => ids.size > 1).length,
    webhookIdsAcknowledgedTwice: [...acknowledged.values()].filter((n) => n > 1).length,
    attemptsPerDelivery: { p50: pct(attempts, 50), p95: pct(attempts, 95), max: Math.max(...attempts) },
    logMatchesReceiver:
      delivered.every((d) => acknowledged.has(d.id)) && givenUp.every((d) => !acknowledged.has(d.id)),
    webhookEnabled: webhook.enabled,
  }),
);
receiver.close();
