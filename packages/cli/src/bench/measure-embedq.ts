import { performance } from 'node:perf_hooks';
import { createEmbedder, type EmbeddedBatch, type Engine, nativeKernelSet } from '@embedq/embedder';
import { generateSeedChunks, seedChunk } from '@embedq/workload';
import { optional } from '../options.js';
import { BatchRecorder, rssMB } from './batch-recorder.js';
import type { RanOn, RunResult, RunSpec } from './interfaces.js';
import { onnxruntimeNodeVersion } from './package-version.js';
import { runResult } from './run-result.js';
import { SettledRssSampler } from './settled-rss.js';
import { WARM_UP_CHUNKS, WARM_UP_SEED } from './warm-up.js';

/** One embedq run, in this process: load, warm up, embed the seed chunks with embedStream. */
export async function measureEmbedq(spec: RunSpec, label: string): Promise<RunResult> {
  const total = spec.chunks;
  const rssBeforeLoadMB = rssMB();
  const loadStart = performance.now();
  const embedder = await createEmbedder({
    precision: spec.precision,
    maxBatchSize: spec.batchSize,
    ...optional('engine', spec.inference),
    ...optional('sessions', spec.sessions),
    ...optional('threads', spec.threads),
    ...optional('maxBatchTokens', spec.maxBatchTokens),
    ...optional('modelDir', spec.modelDir),
    ...optional('profileDir', spec.profileDir),
  });
  try {
    await embedder.embed(generateSeedChunks(WARM_UP_CHUNKS, WARM_UP_SEED));
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const rssAfterLoadMB = rssMB();

    const recorder = new BatchRecorder({ label, total });
    const seen = new Uint8Array(total);
    const settled = spec.settleEvery === undefined ? undefined : new SettledRssSampler(spec.settleEvery);
    // With settled samples, the chunks go in streams of `settleEvery` and each sample is taken
    // between two streams, when no batch is in flight: RSS with nothing in flight is what the
    // process keeps, as a worker between jobs. Mid-stream, the batches in flight and the texts
    // waiting in the sort window move a sample by a few MB. Draining costs a batch or so per stream.
    const stream = spec.settleEvery ?? total;
    recorder.start();
    for (let from = 0; from < total; from += stream) {
      // Chunks are made as the embedder reads them, as a worker receives them job by job: holding
      // all N texts would add the workload's own memory to the RSS being measured. Generating them
      // costs well under 1% of the timed run.
      const to = Math.min(total, from + stream);
      for await (const batch of embedder.embedStream(seedChunks(from, to))) {
        recorder.batch(batch.report);
        check(batch, { from, to }, embedder.dimensions, seen);
      }
      if (to < total) settled?.after(recorder.chunks);
    }
    recorder.finish();
    // After the clock stops: the last collection is not part of the timed run.
    settled?.finish(recorder.chunks);
    const missing = seen.indexOf(0);
    if (missing !== -1) throw new Error(`embedStream never returned chunk ${missing} of ${total}`);

    return runResult(spec, recorder, {
      loadSeconds,
      rssBeforeLoadMB,
      rssAfterLoadMB,
      versions: { 'onnxruntime-node': onnxruntimeNodeVersion() },
      inference: ranOn(embedder.engine),
      ...optional('settledRss', settled?.samples),
    });
  } finally {
    await embedder.close();
  }
}

/** What ran the graph, with the native engine's kernel set where it is not the AVX-512 one. */
function ranOn(engine: Engine): RanOn {
  return engine === 'native' && nativeKernelSet() === 'avx2' ? 'native-avx2' : engine;
}

/** Cheap sanity checks, so a broken embedder cannot post a fast time. */
function check(
  batch: EmbeddedBatch,
  stream: { from: number; to: number },
  dimensions: number,
  seen: Uint8Array,
): void {
  const { indices, vectors, report } = batch;
  if (indices.length !== vectors.length || indices.length !== report.chunks) {
    throw new Error(
      `batch ${report.index}: ${indices.length} indices, ${vectors.length} vectors, report says ${report.chunks}`,
    );
  }
  for (let i = 0; i < indices.length; i++) {
    const index = stream.from + indices[i]!;
    if (index >= stream.to || seen[index] !== 0)
      throw new Error(`batch ${report.index}: chunk ${index} returned twice or out of range`);
    seen[index] = 1;
    const length = vectors[i]?.length;
    if (length !== dimensions)
      throw new Error(`batch ${report.index}: vector of length ${length}, not ${dimensions}`);
  }
}

function* seedChunks(from: number, to: number): Generator<string> {
  for (let i = from; i < to; i++) yield seedChunk(i);
}
