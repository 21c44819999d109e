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
  /** Every answer the API gave, retries included, in order: its status, or 0 for a dropped connection. */
  readonly statuses: number[];
}

/**
 * Posts `documents` documents of `chunksPerDocument` seed chunks one after another, each with an
 * Idempotency-Key. Only the answers in `retryOn` (default none; 0 is a dropped connection) are
 * retried, as a careful client would, every 250 ms until accepted: any other answer but 202
 * fails the load at once, so a fault test never hides a 429, 503 or dropped connection it did
 * not expect. `statuses` records every answer for the test to check. `between` runs after each
 * acceptance (tests inject faults there).
 */
export async function postLoad(
  baseUrl: string,
  options: {
    readonly name: string;
    readonly documents: number;
    readonly chunksPerDocument: number;
    readonly retryOn?: readonly number[];
    readonly between?: (accepted: number) => Promise<void>;
  },
): Promise<PostedLoad> {
  const retryOn = options.retryOn ?? [];
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
      let dropped: unknown;
      const response = await call(baseUrl, 'POST', '/v1/batches', body, {
        'idempotency-key': documentId,
      }).catch((error: unknown) => {
        dropped = error;
        return undefined;
      });
      const status = response?.status ?? 0;
      statuses.push(status);
      if (status === 202) {
        accepted.push({ documentId, batchId: response?.body.batchId, chunks: response?.body.chunkCount });
        break;
      }
      if (!retryOn.includes(status)) {
        const answer =
          response === undefined
            ? `no answer (${String(dropped)})`
            : `${status} ${JSON.stringify(response.body)}`;
        throw new Error(
          `POST ${documentId}: ${answer}, not retried (retryOn: [${retryOn.join(', ')}]); answers so far: [${statuses.join(', ')}]`,
        );
      }
      if (attempt > 600) throw new Error(`POST ${documentId}: not accepted after ${attempt} attempts`);
      await sleep(250);
    }
    await options.between?.(accepted.length);
  }
  return { accepted, statuses };
}

/** How many times each status was answered, e.g. `{ 202: 10 }`: what a test expects of a load. */
export function statusCounts(statuses: readonly number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Chunks with a vector, over the whole database. */
export async function embeddedCount(db: pg.Pool): Promise<number> {
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM chunk_states WHERE status = 'embedded'`,
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
       FROM chunk_states GROUP BY batch_id`,
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
