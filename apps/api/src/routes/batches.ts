import { createHash, randomUUID } from 'node:crypto';
import { acceptBatch, batchProgress, IdempotencyConflictError } from '@embedq/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { allowedNamespaces, namespaceFor } from '../auth/namespace-scope.js';
import { BacklogLimit } from '../backlog-limit.js';
import { BATCH_ID_PARAMS, postBatchBody } from '../schemas.js';
import { checkMetadata, checkString } from '../text-checks.js';

interface PostBatchBody {
  namespace?: string;
  documentId: string;
  chunks: { text: string; metadata?: Record<string, unknown> }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function batchRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { config, pool, producer } = deps;
  const backlog = new BacklogLimit(pool, config.maxPendingChunks);

  app.post<{ Body: PostBatchBody }>(
    '/v1/batches',
    {
      schema: {
        summary: "Accept a document's chunks for embedding",
        description:
          'Stores the chunks and enqueues their jobs in one step; re-posting a document replaces its chunks. An Idempotency-Key header makes a retried request return the first answer and enqueue nothing new.',
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
        },
        body: postBatchBody(config.limits),
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
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      if (idempotencyKey !== undefined) checkString(idempotencyKey, 'the Idempotency-Key header');
      await backlog.admit(body.chunks.length);
      const kind = body.chunks.length <= config.jobs.interactiveMaxChunks ? 'interactive' : 'bulk';
      try {
        const { batch, replayed } = await acceptBatch(
          pool,
          {
            id: randomUUID(),
            namespace,
            documentId: body.documentId,
            chunks: body.chunks.map((c) => ({ text: c.text, metadata: c.metadata ?? {} })),
            queue: kind,
            idempotencyKey,
            requestHash:
              idempotencyKey === undefined
                ? undefined
                : createHash('sha256').update(JSON.stringify(body)).digest(),
          },
          async (accepted) => {
            await producer.enqueueBatch(accepted.batchId, accepted.chunkCount, kind, config.jobs.jobChunks);
          },
        );
        request.log.info(
          { batchId: batch.batchId, chunks: batch.chunkCount, replayed, queue: kind },
          'batch accepted',
        );
        if (replayed) void reply.header('Idempotent-Replayed', 'true');
        return reply
          .status(202)
          .header('Location', `/v1/batches/${batch.batchId}`)
          .send({ batchId: batch.batchId, chunkCount: batch.chunkCount });
      } catch (error) {
        if (error instanceof IdempotencyConflictError) {
          throw new ApiError('idempotency_conflict', error.message, { cause: error });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/batches/:id',
    { schema: { summary: "A batch's progress", params: BATCH_ID_PARAMS } },
    async (request) => {
      const { id } = request.params;
      // A batch in a namespace the key may not read is as unknown as one that does not exist.
      const progress = UUID.test(id)
        ? await batchProgress(pool, id, allowedNamespaces(request.principal))
        : undefined;
      if (progress === undefined) throw new ApiError('not_found', `no batch ${id}`);
      return {
        batchId: progress.batchId,
        namespace: progress.namespace,
        documentId: progress.documentId,
        status: progress.status,
        total: progress.total,
        embedded: progress.embedded,
        failed: progress.failed,
        pending: progress.pending,
        enqueuedAt: progress.enqueuedAt.toISOString(),
        completedAt: progress.completedAt?.toISOString() ?? null,
        chunksPerSec: Math.round(progress.chunksPerSec * 10) / 10,
        latencySeconds: progress.latencySeconds,
        latencyHistogram: progress.latencyHistogram,
        errors: progress.errors,
      };
    },
  );
}
