import { createEmbedder, type Embedder } from '@embedq/embedder';
import { EMBED_CHUNKS_JOB, type EmbedChunksPayload, embedChunksJobId } from '@embedq/queue';
import { acceptBatch, readJobChunks, type WrittenEmbeddings, writeEmbeddings } from '@embedq/store';
import { type EmbedJobResult, embedJob } from '@embedq/worker';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Pipeline, startPipeline } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { registerTestIdentity } from '../support/test-identity.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('failing and duplicated jobs');

/** Jobs of 4 chunks, so a batch of 8 is two jobs and one of them can fail alone. */
const JOB_CHUNKS = 4;
const WORKER_ID = 'worker-under-test';

/** A barrier: each `arrive()` waits until `parties` calls have arrived (or fails after 30 s). */
function meeting(parties: number): { arrive(): Promise<void>; readonly arrived: number } {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    get arrived() {
      return arrived;
    },
    arrive: async () => {
      arrived += 1;
      if (arrived >= parties) release();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`only ${arrived} of ${parties} embed calls met: no race happened`)),
          30_000,
        );
      });
      try {
        await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The real embedder, with `before` run ahead of each embed() call: it may wait or throw. */
function hooked(inner: Embedder, before: (texts: readonly string[]) => Promise<void>): Embedder {
  return {
    dimensions: inner.dimensions,
    precision: inner.precision,
    engine: inner.engine,
    countWordPieces: (text) => inner.countWordPieces(text),
    embed: async (texts, options) => {
      await before(texts);
      return inner.embed(texts, options);
    },
    embedStream: (texts, options) => inner.embedStream(texts, options),
    close: () => inner.close(),
  };
}

const faultMessage = (marker: string) => `injected fault: the embedder refused a text marked ${marker}`;

/**
 * Fault injection for the pipeline's embedder: embed() calls whose texts contain a marker throw
 * (the first `failures` of them), or wait until `parties` such calls have started.
 */
class Faults {
  readonly #rules = new Map<
    string,
    { failures: number; calls: number; meeting?: ReturnType<typeof meeting> }
  >();

  fail(marker: string, failures = Number.POSITIVE_INFINITY): void {
    this.#rules.set(marker, { failures, calls: 0 });
  }

  meet(marker: string, parties: number): void {
    this.#rules.set(marker, { failures: 0, calls: 0, meeting: meeting(parties) });
  }

  /** embed() calls that carried the marker. */
  calls(marker: string): number {
    return this.#rules.get(marker)?.calls ?? 0;
  }

  readonly before = async (texts: readonly string[]): Promise<void> => {
    for (const [marker, rule] of this.#rules) {
      if (!texts.some((text) => text.includes(marker))) continue;
      rule.calls += 1;
      await rule.meeting?.arrive();
      if (rule.failures > 0) {
        rule.failures -= 1;
        throw new Error(faultMessage(marker));
      }
    }
  };
}

describe.skipIf(services === undefined)('jobs that fail, retry, or run twice', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  const faults = new Faults();
  let identityId: number;
  const model = () => Promise.resolve(identityId);

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    // The API and the worker share the embedder; only texts carrying a test's marker are affected.
    // The reconciler is off, so every `failed` chunk here was marked by the worker itself.
    pipeline = await startPipeline(services, hooked(embedder, faults.before), {
      env: {
        JOB_CHUNKS: String(JOB_CHUNKS),
        INTERACTIVE_MAX_CHUNKS: '0',
        RECONCILE_INTERVAL_MS: '0',
        WORKER_ID,
      },
    });
    identityId = (await registerTestIdentity(pipeline.db.pool)).id;
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  const queue = () => pipeline.api.producer.queues.bulk;

  const post = async (documentId: string, texts: readonly string[]): Promise<string> => {
    const response = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId,
      chunks: texts.map((text) => ({ text })),
    });
    expect(response.status).toBe(202);
    return response.body.batchId as string;
  };

  // biome-ignore lint/suspicious/noExplicitAny: tests check response bodies field by field
  const settled = (batchId: string): Promise<any> =>
    waitFor(`batch ${batchId} to settle`, async () => {
      const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
      return progress.body.pending === 0 ? progress.body : undefined;
    });

  /** Waits until the job's `attempt`-th attempt has failed and it waits in the delayed set to retry. */
  const awaitingRetry = (jobId: string, attempt: number): Promise<Job> =>
    waitFor(`job ${jobId} to fail attempt ${attempt} and wait to retry`, async () => {
      const state = await queue().getJobState(jobId);
      const job = await queue().getJob(jobId);
      if (state === 'failed' || state === 'completed') {
        throw new Error(`job ${jobId} is ${state} after ${job?.attemptsMade} attempts; expected a retry`);
      }
      return state === 'delayed' && job?.attemptsMade === attempt ? job : undefined;
    });

  const finished = (jobId: string, state: 'completed' | 'failed'): Promise<Job> =>
    waitFor(`job ${jobId} to be ${state}`, async () =>
      (await queue().getJobState(jobId)) === state ? queue().getJob(jobId) : undefined,
    );

  const chunkRows = async (documentId: string) =>
    (
      await pipeline.db.pool.query<{
        id: string;
        chunk_index: number;
        status: string;
        embedding: string | null;
        written_at: string | null;
        written_by: string | null;
        error: string | null;
        failed: boolean;
      }>(
        `SELECT id, chunk_index, status, embedding::text, written_at::text, written_by, error,
                error IS NOT NULL AS failed
           FROM chunk_states WHERE document_id = $1 ORDER BY chunk_index`,
        [documentId],
      )
    ).rows;

  const dimensions = (row: { embedding: string | null }) =>
    row.embedding === null ? 0 : (JSON.parse(row.embedding) as number[]).length;

  it('a job that fails on every attempt ends in the failed set, its chunks failed with the reason, other work embedded', async () => {
    const marker = 'POISON-3b9e';
    const reason = faultMessage(marker);
    faults.fail(marker);
    // Two jobs: [0, 4) holds the poisoned text and fails; [4, 8) is embedded.
    const doomed = await post(
      'doomed',
      Array.from({ length: 8 }, (_, i) => (i === 1 ? `doomed chunk ${i} ${marker}` : `doomed chunk ${i}`)),
    );
    const bystanders = await Promise.all([
      post(
        'bystander-a',
        Array.from({ length: 6 }, (_, i) => `bystander a, chunk ${i}`),
      ),
      post(
        'bystander-b',
        Array.from({ length: 3 }, (_, i) => `bystander b, chunk ${i}`),
      ),
    ]);
    const jobId = embedChunksJobId({ batchId: doomed, from: 0, to: JOB_CHUNKS });

    for (let attempt = 1; attempt < EMBED_CHUNKS_JOB.attempts; attempt++) {
      const job = await awaitingRetry(jobId, attempt);
      expect(job.failedReason).toBe(reason);
      // The catalog's exponential backoff: 2 s, 4 s, 8 s, ...
      expect(job.delay).toBe(EMBED_CHUNKS_JOB.backoff.delay * 2 ** (attempt - 1));
      // Not the last attempt: no chunk is marked failed yet.
      expect((await chunkRows('doomed')).slice(0, JOB_CHUNKS).map((r) => r.status)).toEqual(
        Array(JOB_CHUNKS).fill('pending'),
      );
      // Runs the retry now instead of after the backoff; BullMQ counts it as any other attempt.
      await job.promote();
    }
    const failed = await finished(jobId, 'failed');
    expect(failed.opts.attempts).toBe(EMBED_CHUNKS_JOB.attempts);
    expect(failed.attemptsMade).toBe(EMBED_CHUNKS_JOB.attempts);
    expect(failed.failedReason).toBe(reason);
    expect(faults.calls(marker)).toBe(EMBED_CHUNKS_JOB.attempts);

    // The worker marks the chunks before it hands the job to the failed set.
    for (const row of (await chunkRows('doomed')).slice(0, JOB_CHUNKS)) {
      expect(row).toMatchObject({ status: 'failed', embedding: null, error: reason, failed: true });
    }
    const progress = await settled(doomed);
    expect(progress).toMatchObject({ status: 'failed', total: 8, embedded: 4, failed: 4, pending: 0 });
    // The worker's own words: the reconciler would have written 'job failed for good: ...'.
    expect(progress.errors).toEqual([{ reason, chunks: JOB_CHUNKS }]);
    const rows = await chunkRows('doomed');
    for (const row of rows.slice(JOB_CHUNKS)) {
      expect(row).toMatchObject({ status: 'embedded', error: null, failed: false, written_by: WORKER_ID });
      expect(dimensions(row)).toBe(384);
    }
    const other = await queue().getJob(embedChunksJobId({ batchId: doomed, from: JOB_CHUNKS, to: 8 }));
    expect(other?.attemptsMade).toBe(1);
    expect(await other?.getState()).toBe('completed');

    for (const [i, batchId] of bystanders.entries()) {
      expect(await settled(batchId)).toMatchObject({
        status: 'completed',
        total: [6, 3][i],
        embedded: [6, 3][i],
        failed: 0,
        errors: [],
      });
    }
  });

  it('a job that fails once and then succeeds embeds each of its chunks exactly once', async () => {
    const marker = 'FLAKY-51c0';
    faults.fail(marker, 1);
    const batchId = await post('flaky', ['flaky chunk 0', `flaky chunk 1 ${marker}`, 'flaky chunk 2']);
    const jobId = embedChunksJobId({ batchId, from: 0, to: 3 });

    const waiting = await awaitingRetry(jobId, 1);
    expect(waiting.failedReason).toBe(faultMessage(marker));
    // Between the attempts the failure is not final: nothing is marked failed.
    expect((await chunkRows('flaky')).map((r) => [r.status, r.error])).toEqual(
      Array(3).fill(['pending', null]),
    );
    const between = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
    expect(between.body).toMatchObject({ status: 'queued', failed: 0, pending: 3, errors: [] });
    await waiting.promote();

    const done = await finished(jobId, 'completed');
    expect(done.attemptsMade).toBe(2);
    expect((done.returnvalue as EmbedJobResult).written).toBe(3);
    expect(faults.calls(marker)).toBe(2);

    expect(await settled(batchId)).toMatchObject({
      status: 'completed',
      total: 3,
      embedded: 3,
      failed: 0,
      errors: [],
    });
    const rows = await chunkRows('flaky');
    expect(rows.map((r) => r.chunk_index)).toEqual([0, 1, 2]);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'embedded', error: null, failed: false, written_by: WORKER_ID });
      expect(dimensions(row)).toBe(384);
    }
  });

  describe('two copies of one job at the same time', () => {
    /** A batch the worker never sees: its jobs are not enqueued, the test runs them. */
    const store = async (documentId: string, texts: readonly string[]): Promise<EmbedChunksPayload> => {
      const { batch } = await acceptBatch(
        pipeline.db.pool,
        {
          id: crypto.randomUUID(),
          namespace: 'race',
          documentId,
          chunks: texts.map((text) => ({ text, metadata: {} })),
          queue: 'bulk',
          identityId,
        },
        async () => undefined,
      );
      return { batchId: batch.batchId, from: 0, to: texts.length };
    };
    const copy = (workerId: string, before: () => Promise<void>) => ({
      db: pipeline.db.pool,
      embedder: hooked(embedder, before),
      identityId: model,
      workerId,
    });
    /** A text already embedded, so the copies race on a reused vector as well as on fresh ones. */
    const seeded = async (text: string) => {
      const seed = await store(`seed: ${text}`, [text]);
      await embedJob({ db: pipeline.db.pool, embedder, identityId: model, workerId: 'seed' }, seed);
      return text;
    };

    it('writing at once: every chunk gets one vector, written by exactly one of them', async () => {
      const texts = [await seeded('race text reused'), 'race text one', 'race text two', 'race text three'];
      const payload = await store('race-at-once', texts);
      // Each copy has read the chunks (all still pending) before either embeds, let alone writes.
      const both = meeting(2);
      const [a, b] = await Promise.all([
        embedJob(copy('copy-a', both.arrive), payload),
        embedJob(copy('copy-b', both.arrive), payload),
      ]);
      expect(both.arrived).toBe(2);

      const rows = await chunkRows('race-at-once');
      expect(rows).toHaveLength(texts.length);
      for (const row of rows) {
        expect(row.status).toBe('embedded');
        expect(dimensions(row)).toBe(384);
      }
      // written is the size of the id set writeEmbeddings returned to each copy. Every chunk is
      // in one of the sets; the sizes add up to the chunks, so no chunk is in both, and each
      // chunk's written_by names the copy whose set holds it.
      expect(a.written + b.written).toBe(texts.length);
      expect(rows.filter((r) => r.written_by === 'copy-a')).toHaveLength(a.written);
      expect(rows.filter((r) => r.written_by === 'copy-b')).toHaveLength(b.written);
    });

    it('writing after the other copy committed: the late copy writes nothing and changes nothing', async () => {
      const texts = [await seeded('late text reused'), 'late text one', 'late text two'];
      const payload = await store('race-late', texts);
      const both = meeting(2);
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const first = embedJob(copy('copy-a', both.arrive), payload);
      const second = embedJob(
        copy('copy-b', async () => {
          await both.arrive();
          await gate;
        }),
        payload,
      );
      expect(await first).toMatchObject({ written: texts.length });
      const afterFirst = await chunkRows('race-late');
      expect(afterFirst.map((r) => [r.status, r.written_by])).toEqual(
        Array(texts.length).fill(['embedded', 'copy-a']),
      );

      // The second copy read every chunk as pending; now it embeds them and writes.
      open();
      expect(await second).toMatchObject({ written: 0, reused: 0 });
      expect(await chunkRows('race-late')).toEqual(afterFirst);
    });

    it('the same write twice at once: the second waits on the first and gets a disjoint (empty) id set', async () => {
      const payload = await store('race-sql', ['sql text one', 'sql text two', 'sql text three']);
      const { chunks } = await readJobChunks(pipeline.db.pool, payload, identityId);
      const vectors = await embedder.embed(chunks.map((c) => c.text));
      const write = (writer: string) => ({
        batchId: payload.batchId,
        embedded: chunks.map((c, i) => ({ id: c.id, vector: vectors[i]! })),
        reused: [],
        identityId,
        writer,
      });

      const holder = await pipeline.db.pool.connect();
      let first: WrittenEmbeddings;
      let second: Promise<WrittenEmbeddings>;
      try {
        await holder.query('BEGIN');
        first = await writeEmbeddings(holder, write('write-a'));
        second = writeEmbeddings(pipeline.db.pool, write('write-b'));
        await waitFor('the second write to wait for the first', async () => {
          const waiting = await pipeline.db.pool.query(
            `SELECT 1 FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH fresh AS%'`,
          );
          return waiting.rowCount === 1 ? true : undefined;
        });
        await holder.query('COMMIT');
      } finally {
        holder.release();
      }
      const secondIds = (await second).ids;
      expect([...first.ids].sort()).toEqual(chunks.map((c) => c.id).sort());
      expect(first.finishedBatch).toBe(true);
      expect([...secondIds].filter((id) => first.ids.has(id))).toEqual([]);
      expect(secondIds.size).toBe(0);
      expect((await chunkRows('race-sql')).map((r) => r.written_by)).toEqual(Array(3).fill('write-a'));
    });

    it('a duplicate job under another id, run by the worker alongside the original: each chunk written once', async () => {
      const marker = 'TWIN-9d21';
      faults.meet(marker, 2);
      const texts = Array.from({ length: JOB_CHUNKS }, (_, i) => `twin chunk ${i} ${marker}`);
      const batchId = await post('twin', texts);
      const payload = { batchId, from: 0, to: JOB_CHUNKS };
      await queue().add(EMBED_CHUNKS_JOB.name, payload, {
        jobId: `duplicate-of-${embedChunksJobId(payload)}`,
        attempts: EMBED_CHUNKS_JOB.attempts,
        backoff: { ...EMBED_CHUNKS_JOB.backoff },
      });
      const jobs = await Promise.all(
        [embedChunksJobId(payload), `duplicate-of-${embedChunksJobId(payload)}`].map((id) =>
          finished(id, 'completed'),
        ),
      );
      expect(faults.calls(marker)).toBe(2);
      expect(jobs.map((job) => job.attemptsMade)).toEqual([1, 1]);
      const written = jobs.map((job) => (job.returnvalue as EmbedJobResult).written);
      expect(written[0]! + written[1]!).toBe(JOB_CHUNKS);

      expect(await settled(batchId)).toMatchObject({ status: 'completed', embedded: JOB_CHUNKS, failed: 0 });
      const rows = await chunkRows('twin');
      expect(rows.map((r) => r.chunk_index)).toEqual([0, 1, 2, 3]);
      for (const row of rows) expect(dimensions(row)).toBe(384);
    });
  });
});
