import { splitDocument } from '@embedq/chunking';
import { MAX_TEXT_WORD_PIECES } from '@embedq/embedder';
import type { NewChunk } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { allowedNamespaces, namespaceFor } from '../auth/namespace-scope.js';
import { readBatchProgressBody } from '../batch-progress-body.js';
import type { ChunkIntake } from '../chunk-intake.js';
import {
  BATCH_ACCEPTED_RESPONSE,
  BATCH_PROGRESS_RESPONSE,
  BODY_ERRORS,
  errorResponses,
  V1_ERRORS,
} from '../response-schemas.js';
import { BATCH_ID_PARAMS, postBatchBody, type TruncationMode } from '../schemas.js';
import { checkMetadata, checkString } from '../text-checks.js';
import { tooLongError } from '../too-long.js';

interface PostBatchBody {
  namespace?: string;
  documentId: string;
  truncation: TruncationMode;
  chunks: { text: string; metadata?: Record<string, unknown> }[];
}

export function batchRoutes(app: FastifyInstance, deps: AppDeps, intake: ChunkIntake): void {
  const { config, pool, embedder } = deps;

  app.post<{ Body: PostBatchBody }>(
    '/v1/batches',
    {
      schema: {
        summary: "Accept a document's chunks for embedding",
        description:
          "Stores the chunks and enqueues their jobs in one step; re-posting a document replaces its chunks, and chunks whose text is unchanged keep their vectors. An Idempotency-Key header makes a retried request return the first answer and enqueue nothing new. Texts longer than the model's window (254 word pieces) are counted (`truncatedChunks`), refused or split, as `truncation` says.",
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
        },
        body: postBatchBody(config.limits),
        response: { 202: BATCH_ACCEPTED_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const namespace = namespaceFor(request.principal, body.namespace);
      checkString(body.documentId, 'body.documentId');
      body.chunks.forEach((chunk, i) => {
        checkString(chunk.text, `body.chunks.${i}.text`);
        if (chunk.metadata !== undefined) {
          checkMetadata(chunk.metadata, config.limits.maxMetadataBytes, `body.chunks.${i}.metadata`);
        }
      });
      const counted = body.chunks.map((chunk) => ({
        text: chunk.text,
        metadata: chunk.metadata ?? {},
        tokenCount: embedder.countWordPieces(chunk.text),
      }));
      const tooLong = counted.flatMap((chunk, i) => (chunk.tokenCount > MAX_TEXT_WORD_PIECES ? [i] : []));
      if (body.truncation === 'error' && tooLong.length > 0) {
        throw tooLongError('body.chunks', tooLong, (i) => counted[i]?.tokenCount ?? 0);
      }
      const chunks =
        body.truncation === 'split'
          ? counted.flatMap((chunk) => splitLong(chunk, (t) => embedder.countWordPieces(t)))
          : counted;
      return intake.accept(request, reply, {
        namespace,
        documentId: body.documentId,
        chunks,
        kind: 'chunks',
        answer:
          body.truncation === 'split'
            ? { truncatedChunks: 0, splitChunks: tooLong.length }
            : { truncatedChunks: tooLong.length },
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/batches/:id',
    {
      schema: {
        summary: "A batch's progress",
        params: BATCH_ID_PARAMS,
        response: { 200: BATCH_PROGRESS_RESPONSE, ...errorResponses(...V1_ERRORS, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = await readBatchProgressBody(pool, id, allowedNamespaces(request.principal));
      if (body === undefined) throw new ApiError('not_found', `no batch ${id}`);
      return body;
    },
  );
}

/**
 * A chunk longer than the window as the pieces a plain-text document of its text would get, each
 * with the chunk's metadata and its offsets in the chunk's text; any other chunk as it is.
 */
function splitLong(chunk: NewChunk & { tokenCount: number }, count: (text: string) => number): NewChunk[] {
  if (chunk.tokenCount <= MAX_TEXT_WORD_PIECES) return [chunk];
  return splitDocument(chunk.text, { maxTokens: MAX_TEXT_WORD_PIECES }, count).map((piece) => ({
    text: piece.text,
    metadata: chunk.metadata,
    tokenCount: piece.tokenCount,
    offsets: { start: piece.start, end: piece.end },
  }));
}
