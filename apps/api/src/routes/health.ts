import { ping } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import { errorResponses, HEALTH_RESPONSE, NOT_READY_RESPONSE, READY_RESPONSE } from '../response-schemas.js';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * What went wrong, without the message: /readyz is public, and messages carry host names and
 * ports of the private network.
 */
function reasonOf(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  return typeof name === 'string' && name !== '' ? name : 'error';
}

/** Resolves to 'ok' or to what went wrong, never slower than the timeout. */
async function check(probe: () => Promise<unknown>, onError: (error: unknown) => void): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(resolve, CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS} ms`);
  });
  try {
    return await Promise.race([
      probe().then(
        () => 'ok',
        (error: unknown) => {
          onError(error);
          return `down: ${reasonOf(error)}`;
        },
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        // Public: no key needed.
        security: [],
        response: { 200: HEALTH_RESPONSE, ...errorResponses(500) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: Redis, Postgres and the model answer',
        // Public: no key needed.
        security: [],
        response: { 200: READY_RESPONSE, 503: NOT_READY_RESPONSE, ...errorResponses(500) },
      },
    },
    async (request, reply) => {
      // The details go to the log, for operators; the public answer names only the failure.
      const logAs = (dependency: string) => (error: unknown) =>
        request.log.warn({ err: error, dependency }, 'readiness check failed');
      const [redis, postgres, model] = await Promise.all([
        check(() => deps.producer.ping(), logAs('redis')),
        check(() => ping(deps.pool), logAs('postgres')),
        check(() => deps.embedder.embed(['ready']), logAs('model')),
      ]);
      const checks = { redis, postgres, model };
      const ready = Object.values(checks).every((c) => c === 'ok');
      if (!ready) void reply.status(503).header('Retry-After', '5');
      return { status: ready ? 'ready' : 'unavailable', checks };
    },
  );
}
