import type { ReconcileConfig } from '@embedq/config';
import { type JobProducer, reconcileOnce, reconcileWebhooks, type WebhookQueue } from '@embedq/queue';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type Schedule, startJitteredSchedule } from './jittered-schedule.js';

export type ReconcileSchedule = Schedule;

/**
 * Runs a reconcile pass every `intervalMs` (with jitter, so a fleet started together does not
 * knock at once; an advisory lock lets one pass run at a time anyway). Failures, such as Redis or
 * Postgres being away, are logged and the next pass tries again.
 */
export function startReconcileSchedule(
  pool: pg.Pool,
  producer: JobProducer,
  webhooks: WebhookQueue,
  config: ReconcileConfig,
  logger: Logger,
): ReconcileSchedule {
  const pass = async () => {
    try {
      const report = await reconcileOnce(pool, producer, {
        jobChunks: config.jobChunks,
        graceSeconds: config.graceSeconds,
      });
      if (report.requeued > 0 || report.markedFailed > 0) {
        logger.warn({ reconcile: report }, 'reconciler found chunks without a live job');
      } else {
        logger.debug({ reconcile: report }, 'reconciled');
      }
      // After the chunks: a range marked failed just now finishes its batch here.
      const events = await reconcileWebhooks(pool, webhooks, { graceSeconds: config.graceSeconds });
      if (events.batchesDecided > 0 || events.attemptsRequeued > 0) {
        logger.warn({ reconcile: events }, 'reconciler found batch events or webhook attempts left behind');
      }
    } catch (error) {
      logger.warn({ err: error }, 'reconcile pass failed; will try again');
    }
  };
  return startJitteredSchedule(config.intervalMs, pass);
}
