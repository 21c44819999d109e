import {
  ChunkingOptionsError,
  type ContentType,
  resolveChunkingOptions,
  splitDocumentYielding,
} from '@embedq/chunking';
import { deleteDocument, listDocumentChunks } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { namespaceFor } from '../auth/namespace-scope.js';
import type { ChunkIntake } from '../chunk-intake.js';
import { collectAfterLargeStep } from '../collect-after-large-bodies.js';
import {
  BODY_ERRORS,
  DOCUMENT_ACCEPTED_RESPONSE,
  DOCUMENT_DELETED_RESPONSE,
  DOCUMENT_PAGE_RESPONSE,
  errorResponses,
  V1_ERRORS,
} from '../response-schemas.js';
import { DOCUMENT_ID_SCHEMA, DOCUMENT_PAGE_QUERY, NAMESPACE_SCHEMA, postDocumentBody } from '../schemas.js';
import { checkMetadata, checkString } from '../text-checks.js';

interface PostDocumentBody {
  namespace?: string;
  documentId: string;
  text: string;
  metadata?: Record<string, unknown>;
  contentType: ContentType;
  chunking?: { maxTokens?: number; overlapTokens?: number };
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1_000;
const DOCUMENT_PARAMS = { type: 'object', required: ['id'], properties: { id: DOCUMENT_ID_SCHEMA } } as const;

export function documentRoutes(app: FastifyInstance, deps: AppDeps, intake: ChunkIntake): void {
  const { limits } = deps.config;
  const count = (text: string) => deps.embedder.countWordPieces(text);

  app.post<{ Body: PostDocumentBody }>(
    '/v1/documents',
    {
      schema: {
        summary: 'Accept a whole document: the API splits it into chunks that fit the model and embeds them',
        description:
          "Splits the text with the model's own tokenizer (markdown sections, paragraphs, sentences, words), so every chunk fits the model's window and keeps its offsets in the text; then as POST /v1/batches: one step that stores and enqueues, replace on re-post (unchanged chunks keep their vectors), Idempotency-Key, backpressure.",
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
        },
        body: postDocumentBody(limits),
        response: { 202: DOCUMENT_ACCEPTED_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const namespace = namespaceFor(request.principal, body.namespace);
      checkString(body.documentId, 'body.documentId');
      const bytes = Buffer.byteLength(body.text, 'utf8');
      if (bytes > limits.maxDocumentBytes) {
        throw new ApiError(
          'document_too_large',
          `body.text is ${bytes} bytes of UTF-8; the limit is ${limits.maxDocumentBytes} (MAX_DOCUMENT_BYTES)`,
        );
      }
      checkString(body.text, 'body.text');
      if (body.text.trim().length === 0) throw new ApiError('empty_text', 'body.text holds only whitespace');
      if (body.metadata !== undefined) checkMetadata(body.metadata, limits.maxMetadataBytes, 'body.metadata');
      let options: ReturnType<typeof resolveChunkingOptions>;
      try {
        options = resolveChunkingOptions({ ...body.chunking, contentType: body.contentType });
      } catch (error) {
        if (error instanceof ChunkingOptionsError) {
          throw new ApiError('invalid_chunking', `body.chunking: ${error.message}`, { cause: error });
        }
        throw error;
      }
      const pieces = await splitDocumentYielding(body.text, options, count);
      // Before the statement that stores the chunks is written (6 MB for 5 MiB), not beside it.
      collectAfterLargeStep(bytes);
      if (pieces.length === 0) {
        throw new ApiError(
          'no_chunks',
          'body.text holds no character the model reads (no word piece at all)',
        );
      }
      const metadata = body.metadata ?? {};
      return intake.accept(request, reply, {
        namespace,
        documentId: body.documentId,
        kind: 'document',
        source: body.text,
        contentType: options.contentType,
        chunking: { maxTokens: options.maxTokens, overlapTokens: options.overlapTokens },
        chunks: pieces.map((piece) => ({
          text: piece.text,
          metadata,
          tokenCount: piece.tokenCount,
          offsets: { start: piece.start, end: piece.end },
          headingPath: piece.headingPath,
        })),
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { namespace?: string; limit?: string; after?: string } }>(
    '/v1/documents/:id',
    {
      schema: {
        summary:
          "A document's chunks: index, offsets, word pieces, heading path, status, metadata and text, paged",
        params: DOCUMENT_PARAMS,
        querystring: DOCUMENT_PAGE_QUERY,
        response: { 200: DOCUMENT_PAGE_RESPONSE, ...errorResponses(...V1_ERRORS, 404) },
      },
    },
    async (request) => {
      const documentId = request.params.id;
      const namespace = namespaceFor(request.principal, request.query.namespace);
      const limit = request.query.limit === undefined ? DEFAULT_PAGE : Number(request.query.limit);
      if (limit < 1 || limit > MAX_PAGE) {
        throw new ApiError(
          'validation_failed',
          `querystring.limit must be from 1 to ${MAX_PAGE}, got ${limit}`,
        );
      }
      const after = request.query.after === undefined ? -1 : Number(request.query.after);
      const page = await listDocumentChunks(deps.pool, namespace, documentId, { after, limit });
      if (page === undefined) {
        throw new ApiError('not_found', `no document '${documentId}' in namespace '${namespace}'`);
      }
      return page;
    },
  );

  app.delete<{ Params: { id: string }; Querystring: { namespace?: string } }>(
    '/v1/documents/:id',
    {
      schema: {
        summary: "Delete a document's chunks and vectors",
        params: DOCUMENT_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { namespace: NAMESPACE_SCHEMA },
        },
        // A DELETE may carry a body, which is parsed (and refused when too large or not JSON).
        response: { 200: DOCUMENT_DELETED_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 404) },
      },
    },
    async (request) => {
      const documentId = request.params.id;
      const namespace = namespaceFor(request.principal, request.query.namespace);
      const deleted = await deleteDocument(deps.pool, namespace, documentId);
      if (!deleted.found)
        throw new ApiError('not_found', `no document '${documentId}' in namespace '${namespace}'`);
      request.log.info({ namespace, documentId, chunks: deleted.chunks }, 'document deleted');
      // The deliveries are in Postgres already: if Redis is away now, the reconciler queues them.
      await deps.webhooks
        .enqueueFirstAttempts(deleted.deliveryIds)
        .catch((error: unknown) =>
          request.log.warn(
            { err: error },
            'could not queue document.deleted deliveries; the reconciler will',
          ),
        );
      return { documentId, namespace, deletedChunks: deleted.chunks };
    },
  );
}
