import {
  GraphUnavailableError,
  ModelMismatchError,
  SearchFilterError,
  type SearchMode,
  searchChunks,
  validateSearchFilter,
} from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { namespaceFor } from '../auth/namespace-scope.js';
import { BODY_ERRORS, errorResponses, SEARCH_RESPONSE, V1_ERRORS } from '../response-schemas.js';
import { searchBody } from '../schemas.js';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  MAX_SEARCH_OFFSET,
  searchFingerprint,
} from '../search-cursor.js';
import { checkString } from '../text-checks.js';

interface SearchBody {
  query: string;
  k: number;
  offset: number;
  minScore?: number;
  mode: SearchMode;
  fusion?: { k: number; vectorWeight: number; keywordWeight: number };
  namespace?: string;
  documentId?: string;
  filter?: Record<string, unknown>;
  exact: boolean;
  cursor?: string;
}

export function searchRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: SearchBody }>(
    '/v1/search',
    {
      schema: {
        summary: 'The k chunks nearest a query by cosine similarity, optionally filtered',
        description:
          'With a filter, k results come back whenever k chunks of the namespace match it, however few do.',
        body: searchBody(deps.config.limits),
        // 422: a query longer than MAX_TEXT_LENGTH (text_too_long). 409: the namespace's vectors
        // are of another model identity than the one this server embeds queries with.
        response: { 200: SEARCH_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 409, 422) },
      },
    },
    async (request) => {
      const { query, k, minScore, mode, fusion, documentId, filter, exact, cursor } = request.body;
      const namespace = namespaceFor(request.principal, request.body.namespace);
      const fingerprint = searchFingerprint([
        namespace,
        query,
        mode,
        k,
        minScore,
        fusion,
        documentId,
        filter,
        exact,
      ]);
      if (cursor !== undefined && request.body.offset !== 0) {
        throw new ApiError('validation_failed', 'body.cursor and body.offset: send one of them');
      }
      const offset = cursor === undefined ? request.body.offset : decodeSearchCursor(cursor, fingerprint);
      checkString(query, 'body.query');
      if (mode !== 'vector' && query.trim() === '')
        throw new ApiError('empty_text', 'body.query holds no words');
      // A bad filter is refused before the query is embedded.
      try {
        if (filter !== undefined) validateSearchFilter(filter);
      } catch (error) {
        if (error instanceof SearchFilterError) {
          throw new ApiError('invalid_filter', `body.${error.message}`, { cause: error });
        }
        throw error;
      }
      // The query is embedded by the namespace's active graph. A re-embedding can switch the
      // namespace over between that and the search: then it runs once more with the new graph.
      const search = () =>
        deps.withQueryGraph(namespace, async (embedder, identityId) => {
          const [vector] = await embedder.embed([query], { priority: 'high' });
          if (vector === undefined) throw new Error('the embedder returned no vector for the query');
          return searchChunks(deps.pool, {
            vector,
            identityId,
            mode,
            text: query,
            fusion,
            k,
            offset,
            minScore,
            namespaces: [namespace],
            documentId,
            filter,
            exact,
          });
        });
      const hits = await search()
        .catch((error: unknown) => {
          if (error instanceof ModelMismatchError) return search();
          throw error;
        })
        .catch((error: unknown) => {
          if (error instanceof ModelMismatchError || error instanceof GraphUnavailableError) {
            throw new ApiError('model_mismatch', error.message, { cause: error });
          }
          throw error;
        });
      const nextOffset = offset + k;
      return {
        nextCursor:
          hits.length === k && nextOffset <= MAX_SEARCH_OFFSET
            ? encodeSearchCursor(nextOffset, fingerprint)
            : null,
        results: hits.map((hit) => ({
          documentId: hit.documentId,
          chunkIndex: hit.chunkIndex,
          score: round6(hit.score),
          vectorScore: round6(hit.vectorScore),
          keywordRank: hit.keywordRank === null ? null : round6(hit.keywordRank),
          fusedScore: hit.fusedScore === null ? null : round6(hit.fusedScore),
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

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
