import type { BatchProgressSource } from './batch-progress-source.js';
import type { BatchAccepted, BatchProgress, SubmitBatchRequest } from './batches.js';
import { type EmbedqClientOptions, resolveClientOptions } from './client-options.js';
import type {
  DocumentAccepted,
  DocumentDeleted,
  DocumentDeleteQuery,
  DocumentPage,
  DocumentPageQuery,
  SubmitDocumentRequest,
} from './documents.js';
import type { EmbeddingsRequest, EmbeddingsResponse, EncodingFormat } from './embeddings.js';
import { eventStreamProgressSource } from './event-stream-progress-source.js';
import { HttpTransport, pathSegment } from './http-transport.js';
import { pollingProgressSource } from './polling-progress-source.js';
import type { SearchRequest, SearchResponse } from './search.js';
import { type WaitForBatchOptions, waitForBatch } from './wait-for-batch.js';
import type {
  CreatedWebhook,
  CreateWebhookRequest,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookList,
} from './webhooks.js';

export interface CallOptions {
  /** Aborts the call, its retries and its waits: it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

export interface SubmitOptions extends CallOptions {
  /**
   * Sent as the Idempotency-Key header: a request sent again with the same key (and body) gets
   * the first answer and enqueues nothing. Default: a random UUID, one per call, the same for
   * every retry of it.
   */
  readonly idempotencyKey?: string | undefined;
}

export interface GetDocumentOptions extends CallOptions, DocumentPageQuery {}

export interface DeleteDocumentOptions extends CallOptions, DocumentDeleteQuery {}

export interface ListWebhooksOptions extends CallOptions, ListWebhooksQuery {}

export interface ListDeliveriesOptions extends CallOptions, ListDeliveriesQuery {}

/**
 * The embedq REST API. Every method rejects with an EmbedqError when the server refuses or cannot
 * be reached (after the retries: 429 and 503 always, network failures for the calls that are
 * safe to repeat, which is all of them but createWebhook), or with the signal's reason when
 * aborted.
 */
export class EmbedqClient {
  readonly #transport: HttpTransport;
  readonly #progress: BatchProgressSource;

  constructor(options: EmbedqClientOptions) {
    const resolved = resolveClientOptions(options);
    this.#transport = new HttpTransport(resolved);
    // The server's event stream when it can be had, polling GET /v1/batches/:id otherwise.
    const polling = pollingProgressSource((batchId, { signal }) => this.getBatch(batchId, { signal }));
    this.#progress = resolved.eventStreams ? eventStreamProgressSource(resolved, polling) : polling;
  }

  /** POST /v1/batches: stores a document's chunks and enqueues their embedding. */
  submitBatch(body: SubmitBatchRequest, options: SubmitOptions = {}): Promise<BatchAccepted> {
    return this.#submit('/v1/batches', body, options);
  }

  /** POST /v1/documents: the server splits the text into chunks, stores and enqueues them. */
  submitDocument(body: SubmitDocumentRequest, options: SubmitOptions = {}): Promise<DocumentAccepted> {
    return this.#submit('/v1/documents', body, options);
  }

  /** GET /v1/batches/:id: the batch's progress now. */
  async getBatch(batchId: string, options: CallOptions = {}): Promise<BatchProgress> {
    return this.#transport.request({
      method: 'GET',
      path: `/v1/batches/${pathSegment(batchId, 'batchId')}`,
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * Polls the batch until it is final (`completed`, `failed`, `replaced`, `deleted`), 250 ms
   * apart at first, then up to 2 s; resolves with the final answer.
   */
  async waitForBatch(batchId: string, options: WaitForBatchOptions = {}): Promise<BatchProgress> {
    pathSegment(batchId, 'batchId');
    return waitForBatch(this.#progress, batchId, options);
  }

  /** POST /v1/search: the chunks nearest the query, best first, one page of them. */
  async search(body: SearchRequest, options: CallOptions = {}): Promise<SearchResponse> {
    // A search changes nothing: safe to send again.
    return this.#transport.request({
      method: 'POST',
      path: '/v1/search',
      body,
      idempotent: true,
      signal: options.signal,
    });
  }

  /** POST /v1/embeddings (OpenAI-compatible): vectors now, for queries and small inputs. */
  async embed<Format extends EncodingFormat = 'float'>(
    body: EmbeddingsRequest<Format>,
    options: CallOptions = {},
  ): Promise<EmbeddingsResponse<Format>> {
    return this.#transport.request({
      method: 'POST',
      path: '/v1/embeddings',
      body,
      idempotent: true,
      signal: options.signal,
    });
  }

  /** GET /v1/documents/:id: a page of the document's chunks; follow `nextAfter` for the next. */
  async getDocument(documentId: string, options: GetDocumentOptions = {}): Promise<DocumentPage> {
    return this.#transport.request({
      method: 'GET',
      path: `/v1/documents/${pathSegment(documentId, 'documentId')}`,
      query: { namespace: options.namespace, limit: options.limit, after: options.after },
      idempotent: true,
      signal: options.signal,
    });
  }

  /** DELETE /v1/documents/:id: its chunks and vectors. A second delete is `not_found`. */
  async deleteDocument(documentId: string, options: DeleteDocumentOptions = {}): Promise<DocumentDeleted> {
    return this.#transport.request({
      method: 'DELETE',
      path: `/v1/documents/${pathSegment(documentId, 'documentId')}`,
      query: { namespace: options.namespace },
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * POST /v1/webhooks: registers an endpoint for the events named. The answer's `secret` signs
   * every delivery (see verifyWebhook) and is never shown again. Not sent again after a network
   * failure, since the server could have registered it: list the webhooks to find out.
   */
  async createWebhook(body: CreateWebhookRequest, options: CallOptions = {}): Promise<CreatedWebhook> {
    return this.#transport.request({
      method: 'POST',
      path: '/v1/webhooks',
      body,
      idempotent: false,
      signal: options.signal,
    });
  }

  /** GET /v1/webhooks: the webhooks of the key's namespaces, or of the one asked for, oldest first. */
  async listWebhooks(options: ListWebhooksOptions = {}): Promise<WebhookList> {
    return this.#transport.request({
      method: 'GET',
      path: '/v1/webhooks',
      query: { namespace: options.namespace },
      idempotent: true,
      signal: options.signal,
    });
  }

  /** GET /v1/webhooks/:id: the webhook, without its secret. */
  async getWebhook(webhookId: string, options: CallOptions = {}): Promise<Webhook> {
    return this.#transport.request({
      method: 'GET',
      path: `/v1/webhooks/${pathSegment(webhookId, 'webhookId')}`,
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * DELETE /v1/webhooks/:id: the webhook and its delivery log; attempts still due are not made.
   * A second delete is `not_found`.
   */
  async deleteWebhook(webhookId: string, options: CallOptions = {}): Promise<void> {
    // 204: no body.
    await this.#transport.request<undefined>({
      method: 'DELETE',
      path: `/v1/webhooks/${pathSegment(webhookId, 'webhookId')}`,
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * POST /v1/webhooks/:id/enable: a webhook disabled after failing through every retry, enabled
   * again; its given-up deliveries stay failed (see retryWebhookDelivery).
   */
  async enableWebhook(webhookId: string, options: CallOptions = {}): Promise<Webhook> {
    return this.#transport.request({
      method: 'POST',
      path: `/v1/webhooks/${pathSegment(webhookId, 'webhookId')}/enable`,
      // Enabling twice is enabling once.
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * POST /v1/webhooks/:id/deliveries/:deliveryId/retry: a given-up delivery of an enabled
   * webhook pending again, due now, with its webhook-id and body. Not re-sent after a network
   * failure: had the first call arrived, a second would be `delivery_not_retryable`.
   */
  async retryWebhookDelivery(
    webhookId: string,
    deliveryId: string,
    options: CallOptions = {},
  ): Promise<WebhookDelivery> {
    return this.#transport.request({
      method: 'POST',
      path: `/v1/webhooks/${pathSegment(webhookId, 'webhookId')}/deliveries/${pathSegment(deliveryId, 'deliveryId')}/retry`,
      idempotent: false,
      signal: options.signal,
    });
  }

  /** GET /v1/webhooks/:id/deliveries: the webhook's deliveries with every attempt, newest first. */
  async listWebhookDeliveries(
    webhookId: string,
    options: ListDeliveriesOptions = {},
  ): Promise<WebhookDeliveryList> {
    return this.#transport.request({
      method: 'GET',
      path: `/v1/webhooks/${pathSegment(webhookId, 'webhookId')}/deliveries`,
      query: { limit: options.limit, status: options.status },
      idempotent: true,
      signal: options.signal,
    });
  }

  async #submit<T>(path: string, body: unknown, options: SubmitOptions): Promise<T> {
    // Generated once, before the first attempt: every retry carries it, so the server enqueues once.
    const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
    if (typeof idempotencyKey !== 'string' || idempotencyKey === '') {
      throw new TypeError('idempotencyKey must be a non-empty string');
    }
    return this.#transport.request({
      method: 'POST',
      path,
      body,
      idempotencyKey,
      idempotent: true,
      signal: options.signal,
    });
  }
}

function newIdempotencyKey(): string {
  if (typeof globalThis.crypto?.randomUUID !== 'function') {
    // Browsers give randomUUID to secure contexts (https) only.
    throw new TypeError('crypto.randomUUID is not available here: pass an idempotencyKey');
  }
  return globalThis.crypto.randomUUID();
}
