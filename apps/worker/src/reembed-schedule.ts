import type { ReembedConfig } from '@embedq/config';
import { driveReembeddings, type JobProducer, type WebhookQueue } from '@embedq/queue';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type Schedule, startJitteredSchedule } from './jittered-schedule.js';

export type ReembedSchedule = Schedule;

/**
 * Runs the re-embedding driver every `intervalMs` (with jitter; one pass at a time across the
 * fleet): feeds running re-embeddings' jobs, switches complete ones over, prunes expired keeps.
 * Failures are logged and the next pass tries again.
 */
export function startReembedSchedule(
  pool: pg.Pool,
  producer: JobProducer,
  webhooks: WebhookQueue,
  config: ReembedConfig,
  logger: Logger,
): ReembedSchedule {
  const pass = async () => {
    try {
      const report = await driveReembeddings(pool, producer, webhooks, { jobChunks: config.jobChunks });
      if (report.switched.length > 0) logger.info({ reembed: report }, 're-embedding switched over');
      else if (report.enqueued > 0 || report.markedFailed > 0 || report.prunedRows > 0)
        logger.info({ reembed: report }, 're-embedding driven');
    } catch (error) {
      logger.warn({ err: error }, 're-embedding pass failed; will try again');
    }
  };
  return startJitteredSchedule(config.intervalMs, pass);
}
