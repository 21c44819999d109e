import {
  changeReembedding,
  listModels,
  listReembeddings,
  pruneIdentity,
  ReembeddingError,
  resolveIdentity,
  startReembeddings,
} from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import {
  BODY_ERRORS,
  errorResponses,
  MODELS_RESPONSE,
  PRUNE_RESPONSE,
  REEMBEDDING_RESPONSE,
  REEMBEDDINGS_RESPONSE,
  V1_ERRORS,
} from '../response-schemas.js';
import { NAMESPACE_SCHEMA } from '../schemas.js';

interface StartBody {
  to: string;
  namespaces?: string[];
  keepSeconds?: number;
}

const IDENTITY_SPEC = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  description:
    'A precision (`int8`, `fp32`: the graph this server has), an identity id, or 8+ hex digits of a graph sha256.',
} as const;

/**
 * Model versions for operators (admin key): the identities and their vectors, and re-embeddings
 * (start, follow, pause, resume, cancel), and pruning an identity's old vectors. The CLI's
 * `embedq models` and `embedq reembed` do the same from a one-off dyno.
 */
export function reembeddingRoutes(app: FastifyInstance, deps: AppDeps): void {
  const refused = (error: unknown): never => {
    if (error instanceof ReembeddingError) throw new ApiError(error.code, error.message, { cause: error });
    throw error;
  };

  app.get(
    '/admin/models',
    {
      schema: {
        summary:
          'Every model identity with its vectors per namespace, which is active, and the re-embeddings',
        response: { 200: MODELS_RESPONSE, ...errorResponses(401, 403, 500, 503) },
      },
    },
    async () => ({
      identities: await listModels(deps.pool),
      reembeddings: await listReembeddings(deps.pool),
    }),
  );

  app.get<{ Querystring: { namespace?: string } }>(
    '/admin/reembeddings',
    {
      schema: {
        summary: 'Open re-embeddings and the latest of each namespace, with progress, rate and ETA',
        querystring: {
          type: 'object',
          properties: { namespace: NAMESPACE_SCHEMA },
          additionalProperties: false,
        },
        response: { 200: REEMBEDDINGS_RESPONSE, ...errorResponses(...V1_ERRORS) },
      },
    },
    async (request) => ({
      reembeddings: await listReembeddings(deps.pool, { namespace: request.query.namespace }),
    }),
  );

  app.post<{ Body: StartBody }>(
    '/admin/reembeddings',
    {
      schema: {
        summary:
          'Re-embed namespaces with another model identity; search switches over when each is complete',
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: {
            to: IDENTITY_SPEC,
            namespaces: {
              type: 'array',
              items: NAMESPACE_SCHEMA,
              minItems: 1,
              maxItems: 1000,
              uniqueItems: true,
            },
            keepSeconds: { type: 'integer', minimum: 0, maximum: 31_536_000 },
          },
        },
        response: {
          202: REEMBEDDINGS_RESPONSE,
          ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { to, namespaces, keepSeconds } = request.body;
      const reembeddings = await resolveIdentity(deps.pool, to, deps.localGraph)
        .then((identity) =>
          startReembeddings(deps.pool, { toIdentityId: identity.id, namespaces, keepSeconds }),
        )
        .catch(refused);
      return reply.code(202).send({ reembeddings });
    },
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: { namespace: string } }>(
      `/admin/reembeddings/:namespace/${action}`,
      {
        schema: {
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} the namespace's open re-embedding`,
          params: { type: 'object', required: ['namespace'], properties: { namespace: NAMESPACE_SCHEMA } },
          response: { 200: REEMBEDDING_RESPONSE, ...errorResponses(...V1_ERRORS, 409) },
        },
      },
      async (request) => ({
        reembedding: await changeReembedding(deps.pool, request.params.namespace, action).catch(refused),
      }),
    );
  }

  app.post<{ Params: { identity: string }; Body: { namespace?: string } | undefined }>(
    '/admin/models/:identity/prune',
    {
      schema: {
        summary: "Delete an identity's vectors, from one namespace or from all; refused where it is in use",
        params: { type: 'object', required: ['identity'], properties: { identity: IDENTITY_SPEC } },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { namespace: NAMESPACE_SCHEMA },
        },
        response: { 200: PRUNE_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const identity = await resolveIdentity(deps.pool, request.params.identity, deps.localGraph).catch(
        refused,
      );
      return pruneIdentity(deps.pool, { identityId: identity.id, namespace: request.body?.namespace }).catch(
        refused,
      );
    },
  );
}
