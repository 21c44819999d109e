import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { QUEUE_KINDS, type QueueKind } from '@embedq/queue';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board's page asks Google Fonts for its typeface; the admin pages load nothing from the
 * internet (no third party learns who operates embedq, and the page works offline), so the link
 * goes and the browser's own sans-serif is used.
 */
const EXTERNAL_FONTS = /<link[^>]+href="https:\/\/fonts\.googleapis\.com[^>]*>/g;

/**
 * Bull Board on every embedq queue at /admin/queues, with retry, clean and the other job
 * actions. Auth is the app's: every /admin path needs the admin key (auth/route-access.ts).
 */
export async function registerBullBoard(
  app: FastifyInstance,
  queues: Readonly<Record<QueueKind, Queue>>,
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: QUEUE_KINDS.map((kind) => new BullMQAdapter(queues[kind], { description: `${kind} jobs` })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'embedq queues' } },
  });
  await app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply, payload) => {
        const type = String(reply.getHeader('content-type') ?? '');
        return typeof payload === 'string' && type.startsWith('text/html')
          ? payload.replace(EXTERNAL_FONTS, '')
          : payload;
      });
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: BULL_BOARD_PATH },
  );
}
