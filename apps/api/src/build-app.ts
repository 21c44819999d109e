import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin/admin-routes.js';
import { ApiError } from './api-error.js';
import type { AppDeps } from './app-deps.js';
import { authenticate } from './auth/authenticate.js';
import { KeyRegistry } from './auth/key-registry.js';
import { ChunkIntake } from './chunk-intake.js';
import { collectAfterLargeBodies } from './collect-after-large-bodies.js';
import { sendError } from './error-handler.js';
import { registerJsonBodyParser } from './json-body.js';
import { batchEventRoutes } from './routes/batch-events.js';
import { batchRoutes } from './routes/batches.js';
import { documentRoutes } from './routes/documents.js';
import { embeddingsRoutes } from './routes/embeddings.js';
import { healthRoutes } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface BuildAppOptions {
  /** false: no logs; default: JSON logs at the configured level. */
  readonly logger?: false;
  /** Where logs go; default stdout. */
  readonly logStream?: NodeJS.WritableStream;
}

/** The HTTP app, not yet listening (tests call `inject`, main.ts calls `listen`). */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? {
      level: deps.config.logLevel,
      // Keys never reach the logs: requests are logged without these headers.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      ...(options.logStream === undefined ? {} : { stream: options.logStream }),
    },
    bodyLimit: deps.config.limits.bodyLimitBytes,
    // Slow or stalled clients cannot hold a connection forever.
    requestTimeout: deps.config.limits.requestTimeoutMs,
    connectionTimeout: deps.config.limits.requestTimeoutMs,
    ajv: {
      // Unknown fields are errors, types are not coerced, defaults are filled in.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'embedq',
        version: '0.1.0',
        description: 'Background embedding with all-MiniLM-L6-v2 (384 dimensions) into Postgres/pgvector.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });

  // JSON only: a text/plain body gets 415, not a schema error about a string.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  collectAfterLargeBodies(app);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
    ),
  );

  authenticate(app, new KeyRegistry(deps.config.auth.apiKeys, deps.config.auth.adminKey));
  const perMinute = deps.config.auth.rateLimitPerMinute;
  if (perMinute > 0) {
    // Per key and per API process (in memory: a rate limit must not fail when Redis does).
    await app.register(rateLimit, {
      hook: 'preHandler',
      max: perMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => request.principal?.id ?? request.ip,
      allowList: (request) => request.principal?.kind !== 'client',
      errorResponseBuilder: (_request, context) =>
        new ApiError('too_many_requests', `more than ${context.max} requests in a minute with this key`, {
          retryAfter: Math.max(1, Math.ceil(context.ttl / 1_000)),
        }),
    });
  }

  healthRoutes(app, deps);
  // One intake, so both routes share one backlog count.
  const intake = new ChunkIntake(deps);
  batchRoutes(app, deps, intake);
  batchEventRoutes(app, deps);
  documentRoutes(app, deps, intake);
  searchRoutes(app, deps);
  embeddingsRoutes(app, deps);
  webhookRoutes(app, deps);
  await adminRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
