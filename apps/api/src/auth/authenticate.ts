import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.js';
import { sendError } from '../error-handler.js';
import { presentedKey } from './credentials.js';
import type { KeyRegistry, Principal } from './key-registry.js';
import { routeAccess } from './route-access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the auth hook on every route that needs a key. */
    principal: Principal | undefined;
  }
}

/**
 * Checks every request's key before anything else runs (body parsing included): /v1 needs an
 * API key, /admin and /metrics the admin key. 401 for no key or an unknown one, 403 for a known
 * key on the wrong side.
 */
export function authenticate(app: FastifyInstance, keys: KeyRegistry): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // The route's registered path, not the URL as sent: '/%61dmin/queues' or '/admin//queues'
    // reach the same handler as '/admin/queues' and must need the same key.
    const route = request.routeOptions.url;
    const access = route === undefined ? 'public' : routeAccess(route, request.is404 !== true);
    if (access === 'public') return;
    const key = presentedKey(request.headers.authorization);
    const principal = key === undefined ? undefined : keys.identify(key);
    if (principal === undefined) {
      // A browser shows its login box for Basic; API clients are told to send a Bearer key.
      void reply.header('WWW-Authenticate', access === 'admin' ? 'Basic realm="embedq admin"' : 'Bearer');
      const message =
        key === undefined ? 'send an API key: Authorization: Bearer <key>' : 'the API key is not valid';
      return sendError(new ApiError('unauthorized', message), request, reply);
    }
    if (access === 'admin' && principal.kind !== 'admin') {
      return sendError(new ApiError('forbidden', 'this page needs the admin key'), request, reply);
    }
    if (access === 'client' && principal.kind !== 'client') {
      return sendError(
        new ApiError('forbidden', 'the admin key opens /admin and /metrics only; use an API key'),
        request,
        reply,
      );
    }
    request.principal = principal;
    request.log.debug({ principal: principal.id }, 'authenticated');
  });
}
