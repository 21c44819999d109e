import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { allowedNamespaces } from '../auth/namespace-scope.js';
import { BatchEventStream } from '../batch-event-stream.js';
import { type BatchProgressBody, readBatchProgressBody } from '../batch-progress-body.js';
import { errorResponses, V1_ERRORS } from '../response-schemas.js';
import { BATCH_ID_PARAMS } from '../schemas.js';

const TIMING = { minIntervalMs: 250, pollMs: 5_000, heartbeatMs: 15_000 } as const;
/** A progress read this recent answers every stream of the batch that asks. */
const SHARED_READ_MS = 100;

export function batchEventRoutes(app: FastifyInstance, deps: AppDeps): void {
  const open = new Set<BatchEventStream>();
  // Every stream of a batch is told of the same job events at once: they share one read, so a
  // thousand streams of a batch cost one query per event, not a thousand.
  const reads = new Map<
    string,
    { readonly at: number; readonly progress: Promise<BatchProgressBody | undefined> }
  >();
  const sharedRead = (id: string, namespace: string) => {
    const now = Date.now();
    const recent = reads.get(id);
    if (recent !== undefined && now - recent.at < SHARED_READ_MS) return recent.progress;
    const progress = readBatchProgressBody(deps.pool, id, [namespace]);
    reads.set(id, { at: now, progress });
    // Forgotten once stale, so the map holds only batches being read now.
    const forget = () => {
      setTimeout(() => {
        if (reads.get(id)?.progress === progress) reads.delete(id);
      }, SHARED_READ_MS).unref();
    };
    progress.then(forget, forget);
    return progress;
  };
  // Open streams would keep the server from closing: they end first, and clients reconnect
  // (with Last-Event-ID) to another process.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  app.get<{ Params: { id: string }; Headers: { 'last-event-id'?: string } }>(
    '/v1/batches/:id/events',
    {
      schema: {
        summary: "A batch's progress as server-sent events, until it is complete",
        description:
          'text/event-stream: `progress` events (at most 4 a second, when the counts move), then one `completed`, `failed`, `replaced` or `deleted` event, each with the GET /v1/batches/:id answer as its data, then the stream ends. Event ids count the chunks done; reconnect with Last-Event-ID to skip what was seen.',
        params: BATCH_ID_PARAMS,
        response: {
          200: {
            description: 'Server-sent events until the batch is final',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errorResponses(...V1_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const first = await readBatchProgressBody(deps.pool, id, allowedNamespaces(request.principal));
      if (first === undefined) throw new ApiError('not_found', `no batch ${id}`);
      // The key may read the batch's namespace, which never changes: later reads share.
      const read = () => sharedRead(id, first.namespace);
      reply.hijack();
      // The stream lives as long as the batch takes; the idle timeout is for requests.
      request.raw.socket.setTimeout(0);
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const stream = new BatchEventStream(reply.raw, {
        read,
        subscribe: (onEvent) => deps.batchEvents.subscribe(id, onEvent),
        lastEventId: request.headers['last-event-id'],
        ...TIMING,
        onError: (error) =>
          request.log.warn({ err: error, batchId: id }, 'batch event stream: progress read failed'),
      });
      open.add(stream);
      reply.raw.on('close', () => open.delete(stream));
      stream.start(first);
    },
  );
}
