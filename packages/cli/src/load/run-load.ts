import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimit } from '@embedq/queue';
import { generateSeedChunks, seedChunk, seedQuery } from '@embedq/workload';
import { percentile } from '../bench/percentiles.js';
import type { ApiClient, BatchProgressBody } from './api-client.js';
import { histogramQuantile, mergeHistograms } from './latency-histogram.js';

export interface LoadOptions {
  readonly chunks: number;
  /** Chunks per posted document (one batch each). */
  readonly batchChunks: number;
  /**
   * Post each document's text whole (POST /v1/documents, its chunks as paragraphs) for the server
   * to split, instead of its chunks as they are (POST /v1/batches).
   */
  readonly asDocuments: boolean;
  readonly namespace: string;
  /** Requests in flight while posting. */
  readonly concurrency: number;
  /** Small batches (10 chunks) posted one after another during the load; 0 for none. */
  readonly probes: number;
  /** Give up when the load has not finished after this long. */
  readonly timeoutSeconds: number;
  /** After the load, this many searches one after another (k = 10) over the namespace; 0 for none. */
  readonly searches: number;
  /** Delete the posted documents afterwards (so a later run embeds them again). */
  readonly cleanUp: boolean;
  readonly progress: (line: string) => void;
}

export interface LoadResult {
  /** Seed chunks posted (as they are, or as the paragraphs of documents). */
  readonly chunks: number;
  /** Chunks the server stored: the seed chunks, or the chunks it cut the documents into. */
  readonly storedChunks: number;
  readonly batches: number;
  readonly embedded: number;
  readonly failed: number;
  /** First enqueue to last vector, by the server's clock. */
  readonly seconds: number;
  /** Stored chunks embedded per second. */
  readonly chunksPerSec: number;
  /** Seed chunks' text embedded per second: the same text, however it was cut. */
  readonly seedChunksPerSec: number;
  /** Seconds the client spent posting every batch. */
  readonly postSeconds: number;
  /** Enqueue to vector written, per chunk (from the merged histograms). */
  readonly queueLatencySeconds: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Small batches during the load: enqueue to completion, per batch. */
  readonly probe?: {
    readonly count: number;
    readonly seconds: { readonly p50: number; readonly p95: number; readonly max: number };
  };
  /** Search requests after the load, client-side milliseconds. */
  readonly search?: {
    readonly count: number;
    readonly ms: { readonly p50: number; readonly p95: number; readonly max: number };
  };
}

const PROBE_CHUNKS = 10;
// Polling reads every batch's progress (counts, percentiles); every 2 s keeps the load tool from
// competing with the pipeline it measures. Timings come from the server, not from polling.
const POLL_MS = 2_000;

/** Posts the seed workload through the REST API and waits until every chunk has a vector. */
export async function runLoad(client: ApiClient, options: LoadOptions): Promise<LoadResult> {
  const runId = Date.now().toString(36);
  const documents = planDocuments(options.chunks, options.batchChunks, runId);
  const posted: { documentId: string; batchId: string; chunkCount: number }[] = [];
  const postStart = performance.now();

  const probes =
    options.probes > 0 ? runProbes(client, options, runId, () => posted.length > 0) : Promise.resolve([]);
  await forEachLimit(documents, options.concurrency, async (doc) => {
    const texts = Array.from({ length: doc.count }, (_, i) => seedChunk(doc.first + i));
    const body = { namespace: options.namespace, documentId: doc.id };
    const accepted = options.asDocuments
      ? await client.postDocument({ ...body, text: texts.join('\n\n') })
      : await client.postBatch({ ...body, chunks: texts.map((text) => ({ text })) });
    posted.push({ documentId: doc.id, batchId: accepted.batchId, chunkCount: accepted.chunkCount });
  });
  const postSeconds = (performance.now() - postStart) / 1000;
  const storedChunks = sum(posted.map((p) => p.chunkCount));
  options.progress(
    `[load] posted ${options.chunks} chunks in ${documents.length} ${options.asDocuments ? `documents, stored as ${storedChunks} chunks` : 'batches'} (${postSeconds.toFixed(1)} s)`,
  );

  const final = await waitForAll(
    client,
    posted.map((p) => p.batchId),
    storedChunks,
    options,
  );
  const probeSeconds = await probes;
  try {
    const embedded = sum(final.map((b) => b.embedded));
    const failed = sum(final.map((b) => b.failed));
    const first = Math.min(...final.map((b) => Date.parse(b.enqueuedAt)));
    const last = Math.max(...final.map((b) => Date.parse(b.completedAt ?? b.enqueuedAt)));
    const seconds = (last - first) / 1000;
    const histogram = mergeHistograms(final.map((b) => b.latencyHistogram));
    // Interpolating inside a wide bucket can overshoot; no chunk waited longer than its batch.
    const longest = Math.max(
      ...final.map((b) => (Date.parse(b.completedAt ?? b.enqueuedAt) - Date.parse(b.enqueuedAt)) / 1000),
    );
    const q = (p: number) => Math.min(histogramQuantile(histogram, p) ?? Number.NaN, longest);
    const searchMs = await runSearches(client, options);
    return {
      chunks: options.chunks,
      storedChunks,
      batches: final.length,
      embedded,
      failed,
      seconds,
      chunksPerSec: embedded / seconds,
      seedChunksPerSec: (options.chunks * embedded) / storedChunks / seconds,
      postSeconds,
      queueLatencySeconds: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
      ...(probeSeconds.length === 0
        ? {}
        : {
            probe: {
              count: probeSeconds.length,
              seconds: {
                p50: percentile(probeSeconds, 50),
                p95: percentile(probeSeconds, 95),
                max: Math.max(...probeSeconds),
              },
            },
          }),
      ...(searchMs.length === 0
        ? {}
        : {
            search: {
              count: searchMs.length,
              ms: {
                p50: percentile(searchMs, 50),
                p95: percentile(searchMs, 95),
                max: Math.max(...searchMs),
              },
            },
          }),
    };
  } finally {
    if (options.cleanUp) {
      await forEachLimit(posted, 4, (p) => client.deleteDocument(options.namespace, p.documentId));
    }
  }
}

interface PlannedDocument {
  readonly id: string;
  readonly first: number;
  readonly count: number;
}

function planDocuments(chunks: number, perDocument: number, runId: string): PlannedDocument[] {
  const documents: PlannedDocument[] = [];
  for (let first = 0; first < chunks; first += perDocument) {
    documents.push({
      id: `load-${runId}-${documents.length}`,
      first,
      count: Math.min(perDocument, chunks - first),
    });
  }
  return documents;
}

async function waitForAll(
  client: ApiClient,
  batchIds: readonly string[],
  total: number,
  options: LoadOptions,
): Promise<BatchProgressBody[]> {
  const latest = new Map<string, BatchProgressBody>();
  const deadline = performance.now() + options.timeoutSeconds * 1000;
  let lastReport = 0;
  for (;;) {
    const open = batchIds.filter((id) => latest.get(id)?.pending !== 0);
    if (open.length === 0) break;
    await forEachLimit(open, 4, async (id) => {
      latest.set(id, await client.batch(id));
    });
    const embedded = sum([...latest.values()].map((b) => b.embedded));
    if (performance.now() - lastReport > 2_000) {
      options.progress(`[load] ${embedded}/${total} chunks embedded`);
      lastReport = performance.now();
    }
    if (batchIds.every((id) => latest.get(id)?.pending === 0)) break;
    if (performance.now() > deadline) {
      throw new Error(`the load did not finish within ${options.timeoutSeconds} s (${embedded} embedded)`);
    }
    await sleep(POLL_MS);
  }
  return batchIds.map((id) => {
    const progress = latest.get(id);
    if (progress === undefined) throw new Error(`no progress for batch ${id}`);
    return progress;
  });
}

/** Posts small batches one at a time while the load runs; each one's enqueue-to-completion seconds. */
async function runProbes(
  client: ApiClient,
  options: LoadOptions,
  runId: string,
  loadStarted: () => boolean,
): Promise<number[]> {
  while (!loadStarted()) await sleep(50);
  const seconds: number[] = [];
  for (let i = 0; i < options.probes; i++) {
    // Texts of their own (another seed), so no vector can be reused from the load.
    const chunks = generateSeedChunks(PROBE_CHUNKS, 1_000 + i).map((text) => ({ text }));
    const documentId = `probe-${runId}-${i}`;
    const { batchId } = await client.postBatch({ namespace: options.namespace, documentId, chunks });
    let progress = await client.batch(batchId);
    while (progress.pending > 0) {
      await sleep(50);
      progress = await client.batch(batchId);
    }
    if (progress.completedAt !== null) {
      seconds.push((Date.parse(progress.completedAt) - Date.parse(progress.enqueuedAt)) / 1000);
    }
    if (options.cleanUp) await client.deleteDocument(options.namespace, documentId);
    await sleep(500);
  }
  return seconds;
}

/** Seed queries one after another against what the load stored; each one's round trip in ms. */
async function runSearches(client: ApiClient, options: LoadOptions): Promise<number[]> {
  const ms: number[] = [];
  // The first few warm the connection pool and the index pages; they are not counted.
  const warmUp = Math.min(5, options.searches);
  for (let i = 0; i < options.searches + warmUp; i++) {
    const started = performance.now();
    await client.request('POST', '/v1/search', { query: seedQuery(i), k: 10, namespace: options.namespace });
    if (i >= warmUp) ms.push(performance.now() - started);
  }
  return ms;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
