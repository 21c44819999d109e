import { ConfigError, workerConfigFromEnv } from '@embedq/config';
import { createLogger } from './logger.js';
import { startWorker, type WorkerRuntime } from './worker-runtime.js';

// Heroku sends SIGTERM and kills 30 s later; the runtime's timeout leaves room to exit cleanly.
async function main(): Promise<void> {
  const config = workerConfigFromEnv(process.env);
  const logger = createLogger(config.logLevel, config.workerId);
  let runtime: WorkerRuntime | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    // A signal while starting stops the worker as soon as it has started.
    if (runtime !== undefined) shutDown(runtime);
  };
  const shutDown = (started: WorkerRuntime) => {
    started.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Before starting, so a SIGTERM during start-up (loading the model) is a clean stop too.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  runtime = await startWorker({ config, logger });
  if (stopping) shutDown(runtime);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : (error as Error).stack;
  process.stderr.write(`embedq worker: ${message}\n`);
  process.exit(1);
});
