import { apiConfigFromEnv, ConfigError } from '@embedq/config';
import { startApi } from './api-runtime.js';

async function main(): Promise<void> {
  const config = apiConfigFromEnv(process.env);
  const runtime = await startApi(config);
  await runtime.app.listen({ port: config.port, host: config.host });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    runtime.app.log.info({ signal }, 'stopping');
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        runtime.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : (error as Error).stack;
  process.stderr.write(`embedq api: ${message}\n`);
  process.exit(1);
});
