import { searchChunks } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import { namespaceFor } from '../auth/namespace-scope.js';
import { BODY_ERRORS, errorResponses, SEARCH_RESPONSE, V1_ERRORS } from '../response-schemas.js';
import { searchBody } from '../schemas.js';
import { checkString } from '../text-checks.js';

interface SearchBody {
  query: string;
  k: number;
  namespace?: string;
  documentId?: string;
}

export function searchRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: SearchBody }>(
    '/v1/search',
    {
      schema: {
        summary: 'The k chunks nearest a query by cosine similarity',
        body: searchBody(deps.config.limits),
        // 422: a query longer than MAX_TEXT_LENGTH (text_too_long).
        response: { 200: SEARCH_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 422) },
      },
    },
    async (request) => {
      const { query, k, documentId } = request.body;
      const namespace = namespaceFor(request.principal, request.body.namespace);
      checkString(query, 'body.query');
      const [vector] = await deps.embedder.embed([query], { priority: 'high' });
      if (vector === undefined) throw new Error('the embedder returned no vector for the query');
      const hits = await searchChunks(deps.pool, { vector, k, namespaces: [namespace], documentId });
      return {
        results: hits.map((hit) => ({
          documentId: hit.documentId,
          chunkIndex: hit.chunkIndex,
          score: Math.round(hit.score * 1e6) / 1e6,
          text: hit.text,
          metadata: hit.metadata,
          namespace: hit.namespace,
          start: hit.start,
          end: hit.end,
          headingPath: hit.headingPath,
        })),
      };
    },
  );
}
