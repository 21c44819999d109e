import { ping } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';

const CHECK_TIMEOUT_MS = 2_000;

/** Resolves to 'ok' or to what went wrong, never slower than the timeout. */
async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(resolve, CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS} ms`);
  });
  try {
    return await Promise.race([
      probe().then(
        () => 'ok',
        (error: unknown) => `down: ${error instanceof Error ? error.message : String(error)}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', { schema: { summary: 'Liveness: the process answers' } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: Redis, Postgres and the model answer' } },
    async (_request, reply) => {
      const [redis, postgres, model] = await Promise.all([
        check(() => deps.producer.ping()),
        check(() => ping(deps.pool)),
        check(() => deps.embedder.embed(['ready'])),
      ]);
      const checks = { redis, postgres, model };
      const ready = Object.values(checks).every((c) => c === 'ok');
      if (!ready) void reply.status(503).header('Retry-After', '5');
      return { status: ready ? 'ready' : 'unavailable', checks };
    },
  );
}
