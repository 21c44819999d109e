import { setTimeout as sleep } from 'node:timers/promises';
import { generateSeedChunks } from '@embedq/workload';
import type pg from 'pg';
import { expect } from 'vitest';
import { call } from './pipeline.js';
import { waitFor } from './wait-for.js';

export interface AcceptedDocument {
  readonly documentId: string;
  readonly batchId: string;
  readonly chunks: number;
}

export interface PostedLoad {
  readonly accepted: AcceptedDocument[];
  /** Every status the API answered, retries included, in order. */
  readonly statuses: number[];
}

/**
 * Posts `documents` documents of `chunksPerDocument` seed chunks one after another, as a careful
 * client would: each with an Idempotency-Key, retried after 503, 429 or a dropped connection
 * until accepted. `between` runs after each acceptance (tests inject faults there).
 */
export async function postLoad(
  baseUrl: string,
  options: {
    readonly name: string;
    readonly documents: number;
    readonly chunksPerDocument: number;
    readonly between?: (accepted: number) => Promise<void>;
  },
): Promise<PostedLoad> {
  const texts = generateSeedChunks(options.documents * options.chunksPerDocument);
  const accepted: AcceptedDocument[] = [];
  const statuses: number[] = [];
  for (let d = 0; d < options.documents; d++) {
    const documentId = `${options.name}-${d}`;
    const body = {
      documentId,
      chunks: texts
        .slice(d * options.chunksPerDocument, (d + 1) * options.chunksPerDocument)
        // Tagged, so no text repeats an earlier load's and has its vector copied instead of embedded.
        .map((text) => ({ text: `[${documentId}] ${text}` })),
    };
    for (let attempt = 1; ; attempt++) {
      const response = await call(baseUrl, 'POST', '/v1/batches', body, {
        'idempotency-key': documentId,
      }).catch(() => undefined);
      statuses.push(response?.status ?? 0);
      if (response?.status === 202) {
        accepted.push({ documentId, batchId: response.body.batchId, chunks: response.body.chunkCount });
        break;
      }
      if (response !== undefined && ![429, 503].includes(response.status)) {
        throw new Error(`POST ${documentId}: unexpected ${response.status} ${JSON.stringify(response.body)}`);
      }
      if (attempt > 600) throw new Error(`POST ${documentId}: not accepted after ${attempt} attempts`);
      await sleep(250);
    }
    await options.between?.(accepted.length);
  }
  return { accepted, statuses };
}

/** Chunks with a vector, over the whole database. */
export async function embeddedCount(db: pg.Pool): Promise<number> {
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM chunks WHERE status = 'embedded'`,
  );
  return result.rows[0]?.n ?? 0;
}

/** Waits until `n` chunks have a vector (polling the database, which may itself be restarting). */
export async function waitForEmbedded(db: pg.Pool, n: number, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    `${n} chunks embedded`,
    async () => ((await embeddedCount(db).catch(() => 0)) >= n ? true : undefined),
    timeoutMs,
    250,
  );
}

/**
 * The promise embedq makes: every accepted chunk has exactly one row, with a vector; nothing
 * failed, nothing else stored (a request that was refused left no rows).
 */
export async function expectEachChunkEmbeddedOnce(
  db: pg.Pool,
  accepted: readonly AcceptedDocument[],
): Promise<void> {
  const total = accepted.reduce((sum, d) => sum + d.chunks, 0);
  const rows = await db.query<{ batch_id: string; rows: number; embedded: number; distinct_indexes: number }>(
    `SELECT batch_id, count(*)::integer AS rows,
            count(*) FILTER (WHERE status = 'embedded' AND embedding IS NOT NULL)::integer AS embedded,
            count(DISTINCT chunk_index)::integer AS distinct_indexes
       FROM chunks GROUP BY batch_id`,
  );
  const byBatch = (a: { batch_id: string }, b: { batch_id: string }) => (a.batch_id < b.batch_id ? -1 : 1);
  const expected = accepted
    .map((d) => ({ batch_id: d.batchId, rows: d.chunks, embedded: d.chunks, distinct_indexes: d.chunks }))
    .sort(byBatch);
  expect(rows.rows.sort(byBatch)).toEqual(expected);
  const batches = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM batches');
  expect(batches.rows[0]?.n).toBe(accepted.length);
  expect(await embeddedCount(db)).toBe(total);
}
