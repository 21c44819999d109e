import { createHash, randomUUID } from 'node:crypto';
import { acceptBatch, type BatchKind, IdempotencyConflictError, type NewChunk } from '@embedq/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import type { AppDeps } from './app-deps.js';
import { BacklogLimit } from './backlog-limit.js';
import { checkString } from './text-checks.js';

/** Chunks a request hands in: a batch's as posted, or a document's as the splitter cut them. */
export interface Submission {
  readonly namespace: string;
  readonly documentId: string;
  readonly chunks: readonly NewChunk[];
  /** The text the chunks were cut from, when their offsets point into it (a document's). */
  readonly source?: string | undefined;
  readonly kind: BatchKind;
  readonly contentType?: string | undefined;
  readonly chunking?: Readonly<Record<string, unknown>> | undefined;
  /** Fields the 202 answer carries besides batchId and chunkCount. */
  readonly answer?: Readonly<Record<string, unknown>>;
}

/**
 * Where `POST /v1/batches` and `POST /v1/documents` meet: backpressure, the Idempotency-Key, one
 * transaction that stores the chunks (carrying over the vectors of a re-posted document's
 * unchanged chunks) and enqueues their jobs, and the 202 answer with its Location.
 */
export class ChunkIntake {
  private readonly backlog: BacklogLimit;

  constructor(private readonly deps: AppDeps) {
    this.backlog = new BacklogLimit(deps.pool, deps.config.maxPendingChunks);
  }

  async accept(request: FastifyRequest, reply: FastifyReply, submission: Submission): Promise<FastifyReply> {
    const { config, pool, producer } = this.deps;
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    if (idempotencyKey !== undefined) checkString(idempotencyKey, 'the Idempotency-Key header');
    await this.backlog.admit(submission.chunks.length);
    const kind = submission.chunks.length <= config.jobs.interactiveMaxChunks ? 'interactive' : 'bulk';
    try {
      const { batch, replayed } = await acceptBatch(
        pool,
        {
          id: randomUUID(),
          namespace: submission.namespace,
          documentId: submission.documentId,
          chunks: submission.chunks,
          source: submission.source,
          queue: kind,
          kind: submission.kind,
          contentType: submission.contentType,
          chunking: submission.chunking,
          identityId: await this.deps.identityId(),
          carryOver: true,
          idempotencyKey,
          requestHash: idempotencyKey === undefined ? undefined : requestHash(request.body),
        },
        async (accepted) => {
          await producer.enqueueBatch(accepted.batchId, accepted.chunkCount, kind, config.jobs.jobChunks);
        },
      );
      request.log.info(
        { batchId: batch.batchId, chunks: batch.chunkCount, replayed, queue: kind, kind: submission.kind },
        'batch accepted',
      );
      if (replayed) void reply.header('Idempotent-Replayed', 'true');
      return reply
        .status(202)
        .header('Location', `/v1/batches/${batch.batchId}`)
        .send({ batchId: batch.batchId, chunkCount: batch.chunkCount, ...submission.answer });
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        throw new ApiError('idempotency_conflict', error.message, { cause: error });
      }
      throw error;
    }
  }
}

/** Strings longer than this go into the request hash as they are, not inside its JSON. */
const LONG_STRING = 65_536;

/**
 * sha256 of the request body, to tell a retry from another request that reuses its
 * Idempotency-Key. A document's text is hashed where it is rather than copied once more into a
 * JSON string (10 MB for 5 MiB of non-Latin-1 text); bodies without such strings hash as their JSON.
 */
function requestHash(body: unknown): Buffer {
  const hash = createHash('sha256');
  const json = JSON.stringify(body, (_key, value: unknown) => {
    if (typeof value !== 'string' || value.length <= LONG_STRING) return value;
    hash.update(value);
    return `(${value.length} characters hashed apart)`;
  });
  return hash.update(json).digest();
}
