import type { FastifyInstance } from 'fastify';

/** A request whose body is at least this large is followed by a full collection. */
export const LARGE_BODY_BYTES = 1_048_576;

type Collect = (() => void) | undefined;

/**
 * Once a request with a large body (a whole document) is answered, runs a full garbage
 * collection, if the process may (`--expose-gc`, as the Procfile's web process runs). V8 collects
 * old space when it has grown by a share of the live heap, not when a document is done with: the
 * last document's text (10 MB for 5 MiB of text outside Latin-1), its chunks and its body would
 * wait for the next document and be in memory beside it. A collection of the API's heap takes a
 * few milliseconds, against the seconds a large document takes.
 */
export function collectAfterLargeBodies(app: FastifyInstance, gc: Collect = globalThis.gc): void {
  if (gc === undefined) return;
  app.addHook('onResponse', (request, _reply, done) => {
    if (Number(request.headers['content-length']) >= LARGE_BODY_BYTES) setImmediate(gc);
    done();
  });
}

/**
 * Runs a full collection now when a step has just left `bytes` of text's worth of garbage (at
 * least LARGE_BODY_BYTES) and the process may. Splitting a 5 MiB document leaves ~20 MB of
 * garbage that V8 would collect only when the next large allocation (the statement that stores
 * the chunks) pushes it to, so both were in memory at once: the API's peak. ~40 ms.
 */
export function collectAfterLargeStep(bytes: number, gc: Collect = globalThis.gc): boolean {
  if (gc === undefined || bytes < LARGE_BODY_BYTES) return false;
  gc();
  return true;
}
