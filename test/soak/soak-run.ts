import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Env } from '@embedq/config';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddedCount,
  expectEachChunkEmbeddedOnce,
  postLoad,
  statusCounts,
  waitForEmbedded,
} from '../support/load-driver.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import type { ServiceUrls } from '../support/services.js';
import { WorkerProcess } from '../support/worker-process.js';

/**
 * A soak: `documents` x `chunksPerDocument` chunks through the whole system (API in this process,
 * workers as processes of their own), one worker at a time. The n-th worker runs until
 * `stopAt[n]` chunks are embedded, then is stopped: by SIGTERM for odd n, by SIGKILL for even n,
 * and the last by SIGTERM once everything is embedded. Then nothing lost, nothing duplicated,
 * each worker's share counted from `written_by`, and the workers' RSS within bounds: the last
 * one's against the first one's, each one's at its stop against halfway through its share, and
 * each one's peak.
 */
export interface SoakOptions {
  /** The describe block's title. */
  readonly title: string;
  /** Where the report goes, under test-artifacts/. */
  readonly reportFile: string;
  readonly documents: number;
  readonly chunksPerDocument: number;
  /** Embedded counts at which each worker is stopped; the last is the whole load. */
  readonly stopAt: readonly number[];
  /** On top of the pipeline's environment, for every worker. */
  readonly workerEnv: Env;
  /** The last worker's RSS at its stop against the first one's, at most. */
  readonly maxRssRatio: number;
  /** Each worker's RSS at its stop against its RSS halfway through its share, at most. */
  readonly maxRssGrowth: number;
  /** Any worker's peak RSS (VmHWM), at most, MB. */
  readonly maxPeakRssMb: number;
  readonly timeoutMs: number;
}

interface Segment {
  readonly worker: number;
  readonly stoppedBy: NodeJS.Signals;
  readonly exit: number | string;
  readonly embedded: number;
  /** RSS once half its share was embedded, MB. */
  readonly halfwayRssMb: number;
  /** RSS just before the stop, MB. */
  readonly rssMb: number;
  /** The process's peak RSS until then (VmHWM), MB. */
  readonly peakRssMb: number;
  /** Since the soak began. */
  readonly seconds: number;
}

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export function describeSoak(services: ServiceUrls | undefined, options: SoakOptions): void {
  const total = options.documents * options.chunksPerDocument;

  describe.skipIf(services === undefined)(options.title, () => {
    let embedder: Embedder;
    let pipeline: Pipeline;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      if (services === undefined) return;
      embedder = await createEmbedder({ maxBatchTokens: 1024 });
      pipeline = await startPipeline(services, embedder, { worker: false });
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      await pipeline?.close();
      await embedder?.close();
    });

    it('loses and duplicates nothing, and the workers do not leak', {
      timeout: options.timeoutMs,
    }, async () => {
      expect(options.stopAt.at(-1)).toBe(total);
      const started = Date.now();
      const load = await postLoad(pipeline.baseUrl, {
        name: 'soak',
        documents: options.documents,
        chunksPerDocument: options.chunksPerDocument,
      });
      expect(statusCounts(load.statuses)).toEqual({ 202: options.documents });
      const env = { ...pipeline.env, ...options.workerEnv };
      const segments: Segment[] = [];
      for (const [i, until] of options.stopAt.entries()) {
        const n = i + 1;
        const from = await embeddedCount(pipeline.db.pool);
        const worker = new WorkerProcess({ ...env, WORKER_ID: `soak-${n}` });
        workers.push(worker);
        const pid = worker.child.pid ?? 0;
        // Halfway through its share, warmed up: what its RSS must not outgrow by the end.
        await waitForEmbedded(pipeline.db.pool, Math.round((from + until) / 2), options.timeoutMs);
        const halfwayRssMb = procStatusMb(pid, 'VmRSS');
        await waitForEmbedded(pipeline.db.pool, until, options.timeoutMs);
        const rssMb = procStatusMb(pid, 'VmRSS');
        const peakRssMb = procStatusMb(pid, 'VmHWM');
        const stoppedBy = n === options.stopAt.length || n % 2 === 1 ? 'SIGTERM' : 'SIGKILL';
        const exit = await worker.stop(stoppedBy);
        const segment: Segment = {
          worker: n,
          stoppedBy,
          exit,
          embedded: await embeddedCount(pipeline.db.pool),
          halfwayRssMb,
          rssMb,
          peakRssMb,
          seconds: Math.round((Date.now() - started) / 1000),
        };
        segments.push(segment);
        console.log(`[soak] ${JSON.stringify(segment)}`);
      }
      await waitForEmbedded(pipeline.db.pool, total);
      await expectEachChunkEmbeddedOnce(pipeline.db.pool, load.accepted);
      // Every worker did its share, each counted on its own from written_by, and no one else.
      const byWorker = await pipeline.db.pool.query<{ written_by: string; n: number }>(
        `SELECT written_by, count(*)::integer AS n FROM chunk_states
          WHERE status = 'embedded' AND embedding IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      expect(byWorker.rows.map((r) => r.written_by).sort()).toEqual(
        segments.map((s) => `soak-${s.worker}`).sort(),
      );
      expect(byWorker.rows.every((r) => r.n > 0)).toBe(true);
      expect(byWorker.rows.reduce((sum, r) => sum + r.n, 0)).toBe(total);

      const first = segments[0]?.rssMb ?? Number.NaN;
      const last = segments.at(-1)?.rssMb ?? Number.NaN;
      const report = {
        chunks: total,
        seconds: Math.round((Date.now() - started) / 1000),
        segments,
        rssRatio: last / first,
        limits: {
          maxRssRatio: options.maxRssRatio,
          maxRssGrowth: options.maxRssGrowth,
          maxPeakRssMb: options.maxPeakRssMb,
        },
      };
      mkdirSync('test-artifacts', { recursive: true });
      writeFileSync(`test-artifacts/${options.reportFile}`, `${JSON.stringify(report, null, 2)}\n`);
      // Every worker stopped as it was told: a clean exit on SIGTERM, killed on SIGKILL.
      expect(segments.map((s) => s.exit)).toEqual(
        segments.map((s) => (s.stoppedBy === 'SIGTERM' ? 0 : 'SIGKILL')),
      );
      expect(last).toBeLessThanOrEqual(first * options.maxRssRatio);
      for (const segment of segments) {
        expect(segment.rssMb).toBeLessThanOrEqual(segment.halfwayRssMb * options.maxRssGrowth);
        expect(segment.peakRssMb).toBeLessThanOrEqual(options.maxPeakRssMb);
      }
    });
  });
}
