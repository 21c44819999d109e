import type { FastifyInstance } from 'fastify';

/** A request whose body is at least this large is followed by a full collection. */
export const LARGE_BODY_BYTES = 1_048_576;

/**
 * Once a request with a large body (a whole document) is answered, runs a full garbage
 * collection, if the process may (`--expose-gc`, as the Procfile's web process runs). V8 collects
 * old space when it has grown by a share of the live heap, not when a document is done with: the
 * last document's text (10 MB for 5 MiB of text outside Latin-1), its chunks and its body would
 * wait for the next document and be in memory beside it. A collection of the API's heap takes a
 * few milliseconds, against the seconds a large document takes.
 */
export function collectAfterLargeBodies(
  app: FastifyInstance,
  gc: (() => void) | undefined = globalThis.gc,
): void {
  if (gc === undefined) return;
  app.addHook('onResponse', (request, _reply, done) => {
    if (Number(request.headers['content-length']) >= LARGE_BODY_BYTES) setImmediate(gc);
    done();
  });
}
