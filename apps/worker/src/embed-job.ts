import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchReport, Embedder } from '@embedq/embedder';
import type { EmbedChunksPayload } from '@embedq/queue';
import {
  type ChunkToEmbed,
  type Queryable,
  readJobChunks,
  reembeddingRunning,
  writeEmbeddings,
} from '@embedq/store';
import { UnrecoverableError } from 'bullmq';

export interface EmbedJobDeps {
  readonly db: Queryable;
  readonly embedder: Embedder;
  /** The registered model identity of the embedder's graph (registered on first use). */
  readonly identityId: () => Promise<number>;
  /**
   * Runs `fn` with the graph of another identity (a re-embedding's, or a namespace's that
   * switched to one): loaded on demand, or a rejection when this process does not have it.
   * Without it, a job of another identity fails and is retried.
   */
  readonly withGraph?: <T>(identityId: number, fn: (embedder: Embedder) => Promise<T>) => Promise<T>;
  /** Recorded with each vector written. */
  readonly workerId: string;
  /** `high` for interactive jobs: their inference batches go before waiting bulk ones. */
  readonly priority?: 'high' | 'normal';
  /**
   * Runs each slice of a re-embedding job's texts (at most `reembedSliceTexts`): the worker
   * starts one only while no ingest job is embedding, one at a time, so a re-embedding uses the
   * CPU only when ingest does not.
   */
  readonly reembedSlice?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Texts per slice; default 64 (one inference batch). */
  readonly reembedSliceTexts?: number;
  /** How long to wait for a batch whose request is still committing; default 2 s. */
  readonly batchVisibleTimeoutMs?: number;
}

/** What one job did, for logs and metrics. */
export interface EmbedJobResult {
  /** The identity whose vectors it wrote; null when it found nothing to embed. */
  readonly identityId: number | null;
  /** Chunks given a vector by this job. */
  readonly written: number;
  /** Of those, chunks whose vector was copied from an earlier chunk with the same text. */
  readonly reused: number;
  /** This job's write left its batch with no chunk pending. */
  readonly finishedBatch: boolean;
  /** Distinct texts run through the model. */
  readonly inferred: number;
  readonly readMs: number;
  readonly embedMs: number;
  readonly writeMs: number;
  /** Word pieces run through the model (no padding). */
  readonly tokens: number;
  /** This job's share of ONNX Runtime time, milliseconds (within embedMs): concurrent jobs share runs. */
  readonly inferenceMs: number;
  /**
   * ONNX Runtime time of each run this job led, milliseconds. A run shared by several jobs is
   * listed by one of them, so summed over jobs these count each run once and add up to their
   * inferenceMs.
   */
  readonly batchMs: readonly number[];
}

/**
 * Embeds one job's range: reads the chunks still without a vector, copies vectors for texts this
 * model has embedded before, embeds the rest (each distinct text once) and writes them all in
 * one statement. Safe to run twice: chunks that have a vector are neither read nor written.
 */
export async function embedJob(deps: EmbedJobDeps, payload: EmbedChunksPayload): Promise<EmbedJobResult> {
  const ownIdentityId = await deps.identityId();
  const totals = {
    identityId: null as number | null,
    finishedBatch: false,
    written: 0,
    reused: 0,
    inferred: 0,
    readMs: 0,
    embedMs: 0,
    writeMs: 0,
    tokens: 0,
    inferenceMs: 0,
  };
  const batchMs: number[] = [];
  const onBatch = (report: BatchReport) => {
    totals.tokens += report.tokens;
    totals.inferenceMs += report.ms;
    if (report.run.lead) batchMs.push(report.run.ms);
  };
  // A re-embedding's job whose re-embedding was paused, cancelled or has switched: nothing to do
  // (the driver adds the range again when it resumes).
  if (
    payload.identityId !== undefined &&
    !(await reembeddingRunning(deps.db, payload.batchId, payload.identityId))
  )
    return { ...totals, batchMs };
  // The second pass runs only when a reused vector vanished between read and write (its chunk
  // was deleted or replaced); it embeds those chunks instead.
  for (const reuse of [true, false]) {
    let started = performance.now();
    const { chunks, identityId } = await readVisibleChunks(deps, payload, ownIdentityId, reuse);
    totals.readMs += performance.now() - started;
    if (chunks.length === 0) break;
    totals.identityId = identityId;

    const copy = chunks.filter((c) => c.reusable).map((c) => c.id);
    const fresh = chunks.filter((c) => !c.reusable);
    started = performance.now();
    const { texts, slotOf } = distinctTexts(fresh);
    const embed = async (embedder: Embedder) => {
      const options = { priority: deps.priority ?? 'normal', onBatch } as const;
      const slice = payload.identityId === undefined ? undefined : deps.reembedSlice;
      if (slice === undefined) return embedder.embed(texts, options);
      const size = deps.reembedSliceTexts ?? 64;
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += size) {
        out.push(...(await slice(() => embedder.embed(texts.slice(i, i + size), options))));
      }
      return out;
    };
    const vectors =
      texts.length === 0
        ? []
        : identityId === ownIdentityId
          ? await embed(deps.embedder)
          : await withOtherGraph(deps, identityId, ownIdentityId, payload, embed);
    totals.embedMs += performance.now() - started;
    totals.inferred += texts.length;

    started = performance.now();
    const written = await writeEmbeddings(deps.db, {
      batchId: payload.batchId,
      embedded: fresh.map((c) => ({ id: c.id, vector: vectorAt(vectors, slotOf.get(c.contentHash)) })),
      reused: copy,
      identityId,
      writer: deps.workerId,
    });
    totals.writeMs += performance.now() - started;
    totals.written += written.ids.size;
    totals.reused += copy.filter((id) => written.ids.has(id)).length;
    if (written.finishedBatch) totals.finishedBatch = true;
    if (copy.every((id) => written.ids.has(id))) break;
  }
  return { ...totals, batchMs };
}

/** Embeds with the graph of `identityId`, another than this worker's own. */
function withOtherGraph<T>(
  deps: EmbedJobDeps,
  identityId: number,
  ownIdentityId: number,
  payload: EmbedChunksPayload,
  fn: (embedder: Embedder) => Promise<T>,
): Promise<T> {
  // Vectors of another graph would not be comparable with the namespace's: without that graph
  // the job fails (and is retried) rather than write them.
  if (deps.withGraph === undefined) {
    return Promise.reject(
      new Error(
        `batch ${payload.batchId} is embedded by model identity ${identityId}; this worker's graph is identity ${ownIdentityId}`,
      ),
    );
  }
  return deps.withGraph(identityId, fn);
}

async function readVisibleChunks(
  deps: EmbedJobDeps,
  payload: EmbedChunksPayload,
  ownIdentityId: number,
  reuse: boolean,
): Promise<{ chunks: readonly ChunkToEmbed[]; identityId: number }> {
  // The API enqueues before it commits (so a failed enqueue stores nothing); a worker can be
  // faster than that commit, so a missing batch is awaited briefly before the job gives up.
  const deadline = performance.now() + (deps.batchVisibleTimeoutMs ?? 2_000);
  for (;;) {
    const read = await readJobChunks(deps.db, payload, ownIdentityId, {
      reuse,
      forIdentity: payload.identityId,
    });
    if (read.batchExists) return { chunks: read.chunks, identityId: read.identityId ?? ownIdentityId };
    if (performance.now() >= deadline) {
      throw new UnrecoverableError(
        `batch ${payload.batchId} does not exist: its request was rolled back or it was removed`,
      );
    }
    await sleep(50);
  }
}

/** Each distinct text once, and where each content hash's vector will be. */
function distinctTexts(chunks: readonly ChunkToEmbed[]): { texts: string[]; slotOf: Map<string, number> } {
  const texts: string[] = [];
  const slotOf = new Map<string, number>();
  for (const chunk of chunks) {
    if (slotOf.has(chunk.contentHash)) continue;
    slotOf.set(chunk.contentHash, texts.length);
    texts.push(chunk.text);
  }
  return { texts, slotOf };
}

function vectorAt(vectors: readonly Float32Array[], slot: number | undefined): Float32Array {
  const vector = slot === undefined ? undefined : vectors[slot];
  if (vector === undefined) throw new Error('the embedder returned fewer vectors than texts');
  return vector;
}
