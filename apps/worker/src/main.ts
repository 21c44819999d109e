import { ConfigError, workerConfigFromEnv } from '@embedq/config';
import { createLogger } from './logger.js';
import { startWorker } from './worker-runtime.js';

// Heroku sends SIGTERM and kills 30 s later; the runtime's timeout leaves room to exit cleanly.
async function main(): Promise<void> {
  const config = workerConfigFromEnv(process.env);
  const logger = createLogger(config.logLevel, config.workerId);
  const runtime = await startWorker({ config, logger });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : (error as Error).stack;
  process.stderr.write(`embedq worker: ${message}\n`);
  process.exit(1);
});
