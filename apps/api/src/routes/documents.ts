import { deleteDocument } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { namespaceFor } from '../auth/namespace-scope.js';
import { DOCUMENT_ID_SCHEMA, NAMESPACE_SCHEMA } from '../schemas.js';

export function documentRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.delete<{ Params: { id: string }; Querystring: { namespace?: string } }>(
    '/v1/documents/:id',
    {
      schema: {
        summary: "Delete a document's chunks and vectors",
        params: { type: 'object', required: ['id'], properties: { id: DOCUMENT_ID_SCHEMA } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { namespace: NAMESPACE_SCHEMA },
        },
      },
    },
    async (request) => {
      const documentId = request.params.id;
      const namespace = namespaceFor(request.principal, request.query.namespace);
      const deleted = await deleteDocument(deps.pool, namespace, documentId);
      if (!deleted.found)
        throw new ApiError('not_found', `no document '${documentId}' in namespace '${namespace}'`);
      request.log.info({ namespace, documentId, chunks: deleted.chunks }, 'document deleted');
      return { documentId, namespace, deletedChunks: deleted.chunks };
    },
  );
}
