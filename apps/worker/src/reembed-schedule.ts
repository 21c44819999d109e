import type { ReembedConfig } from '@embedq/config';
import { driveReembeddings, type JobProducer, type WebhookQueue } from '@embedq/queue';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface ReembedSchedule {
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

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
  if (config.intervalMs === 0) return { stop: async () => undefined };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = pass().finally(() => {
          running = undefined;
          schedule();
        });
      },
      config.intervalMs * (0.8 + 0.4 * Math.random()),
    );
    timer.unref();
  };
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
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
