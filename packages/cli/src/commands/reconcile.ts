import { reconcilerConfigFromEnv } from '@embedq/config';
import { JobProducer, reconcileOnce, reconcileWebhooks, WebhookQueue } from '@embedq/queue';
import { createPool } from '@embedq/store';
import type { Command, CommandContext } from '../command.js';
import { parseCommandArgs, parseCount } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'reconcile';

export const reconcileHelp = `Usage: embedq reconcile [--grace S] [--dry-run]

Finds chunks still pending with no live job (after a Redis flush or restart, a lost job, a job
that failed while Postgres was away) and enqueues them again, or marks them failed with the
reason when their job failed for good; then decides the webhook events of batches that finished
with none (their worker died first) and re-queues webhook attempts Redis lost. Workers do this on their own every
RECONCILE_INTERVAL_MS; this runs one pass now. Safe at any time: jobs only embed chunks
without a vector, and one pass runs at a time. Prints what it found as JSON.

Options:
  --grace S   leave batches younger than S seconds alone (default: $RECONCILE_GRACE_SECONDS, else 60)
  --dry-run   only report what would be done (chunks only; webhooks are left alone)
  -h, --help  show this help

Environment: REDIS_URL, DATABASE_URL, DATABASE_SSL, QUEUE_PREFIX, JOB_CHUNKS (as the API's).
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    grace: { type: 'string' },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    context.stdout.write(reconcileHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${NAME}: unexpected argument '${positionals[0]}'`, { command: NAME });
  }
  const { services, reconcile } = reconcilerConfigFromEnv(context.env.vars);
  const graceSeconds =
    values.grace === undefined ? reconcile.graceSeconds : parseCount(NAME, 'grace', values.grace, 0);
  const pool = createPool({
    url: services.databaseUrl,
    ssl: services.databaseSsl,
    max: 1,
    applicationName: 'embedq-reconcile',
  });
  const producer = new JobProducer({
    url: services.redisUrl,
    tlsVerify: services.redisTlsVerify,
    prefix: services.queuePrefix,
  });
  const webhookQueue = new WebhookQueue(producer.redis, services.queuePrefix);
  try {
    const report = await reconcileOnce(pool, producer, {
      jobChunks: reconcile.jobChunks,
      graceSeconds,
      dryRun: values['dry-run'] === true,
    });
    if (!report.ran) context.stderr.write('[reconcile] another process is reconciling; nothing done\n');
    const webhooks =
      values['dry-run'] === true ? null : await reconcileWebhooks(pool, webhookQueue, { graceSeconds });
    context.stdout.write(`${JSON.stringify({ ...report, webhooks, dryRun: values['dry-run'] === true })}\n`);
    return 0;
  } finally {
    await webhookQueue.close();
    await producer.close();
    await pool.end();
  }
}

export const reconcileCommand: Command = {
  name: NAME,
  summary: 're-enqueue chunks left pending with no live job (REDIS_URL, DATABASE_URL)',
  help: reconcileHelp,
  run,
};
