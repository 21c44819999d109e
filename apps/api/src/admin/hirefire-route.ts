import { createHash, timingSafeEqual } from 'node:crypto';
import { oldestWaitingSince, QUEUE_KINDS, type QueueKind } from '@embedq/queue';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

/** The path HireFire's checkups call; the token in it is the only credential (their design). */
export const HIREFIRE_PATH = '/hirefire/:token/info';
/** The Procfile process the value is for. */
const DYNO = 'worker';

export interface HirefireSources {
  readonly redis: Redis;
  readonly queues: Readonly<Record<QueueKind, Queue>>;
  readonly token: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * HireFire's Job Queue Latency source: `[{"name": "worker", "value": <seconds>}]`, the time since
 * the oldest embedding job was enqueued (0 when none waits), the figure HireFire's own BullMQ
 * macro does not measure. A wrong token is a 404, as if the route did not exist.
 */
export function hirefireRoute(app: FastifyInstance, sources: HirefireSources): void {
  const expected = digest(sources.token);
  app.get<{ Params: { token: string } }>(
    HIREFIRE_PATH,
    { schema: { hide: true } },
    async (request, reply) => {
      if (!timingSafeEqual(digest(request.params.token), expected)) return reply.callNotFound();
      const now = Date.now();
      const since = await oldestWaitingSince(
        sources.redis,
        QUEUE_KINDS.map((kind) => sources.queues[kind]),
      );
      const seconds = since === undefined ? 0 : Math.max(0, Math.round((now - since) / 100) / 10);
      return reply.header('Cache-Control', 'no-store').send([{ name: DYNO, value: seconds }]);
    },
  );
}
