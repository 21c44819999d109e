import type { BatchKind } from './batches.js';
import type { ExpectNone, FieldList, UnlistedKeys, UnlistedValues } from './field-list.js';

/** What a webhook can subscribe to. */
export type WebhookEventType = 'batch.completed' | 'batch.failed' | 'document.deleted';

/** The body of POST /v1/webhooks. */
export interface CreateWebhookRequest {
  /** https and public addresses only, unless the deployment sets WEBHOOK_ALLOW_PRIVATE=true. */
  readonly url: string;
  /** At least one, each once. */
  readonly events: readonly WebhookEventType[];
  /** Default: the API key's only namespace, else `default`. */
  readonly namespace?: string | undefined;
  readonly description?: string | undefined;
}

/** 200 of GET /v1/webhooks/:id, and an item of GET /v1/webhooks: never the secret. */
export interface Webhook {
  readonly id: string;
  readonly namespace: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string | null;
  /** False once disabled after a delivery failed through every retry. */
  readonly enabled: boolean;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601: the last delivery the endpoint answered with a 2xx; null before one. */
  readonly lastSuccessAt: string | null;
  /** ISO 8601; null while enabled. */
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
}

/** 201 of POST /v1/webhooks: the webhook and its signing secret, shown this once. */
export interface CreatedWebhook extends Webhook {
  /** `whsec_` and a base64 key: give it to verifyWebhook. Store it now: it is never shown again. */
  readonly secret: string;
}

/** The query of GET /v1/webhooks. */
export interface ListWebhooksQuery {
  /** Only this namespace's; default: every namespace of the API key. */
  readonly namespace?: string | undefined;
}

/** 200 of GET /v1/webhooks: oldest first. */
export interface WebhookList {
  readonly webhooks: readonly Webhook[];
}

/** `pending`: an attempt is due at `nextAttemptAt`; `failed`: every retry failed. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** The query of GET /v1/webhooks/:id/deliveries. */
export interface ListDeliveriesQuery {
  /** 1 to 500; default 50. */
  readonly limit?: number | undefined;
  readonly status?: WebhookDeliveryStatus | undefined;
}

/** One attempt to deliver an event. */
export interface WebhookDeliveryAttempt {
  /** ISO 8601. */
  readonly at: string;
  /** The endpoint's answer; null when none came. */
  readonly statusCode: number | null;
  /** Why no answer came (or the answer was not taken); null for an answer. */
  readonly error: string | null;
  /** Milliseconds the attempt took. */
  readonly ms: number;
}

/** One event sent (or being sent) to one webhook, with every attempt at it. */
export interface WebhookDelivery {
  /** The `webhook-id` header, the same on every attempt. */
  readonly id: string;
  readonly eventType: WebhookEventType;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601; null unless `pending`. */
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  readonly attemptLog: readonly WebhookDeliveryAttempt[];
  /** The body sent. */
  readonly payload: WebhookEvent;
}

/** 200 of GET /v1/webhooks/:id/deliveries: newest first. */
export interface WebhookDeliveryList {
  readonly deliveries: readonly WebhookDelivery[];
}

/** `data` of `batch.completed` and `batch.failed`: the batch's counts when its last chunk was done. */
export interface BatchEventData<Status extends 'completed' | 'failed' = 'completed' | 'failed'> {
  readonly batchId: string;
  readonly namespace: string;
  readonly documentId: string;
  readonly kind: BatchKind;
  /** `failed` when any chunk failed. */
  readonly status: Status;
  readonly total: number;
  readonly embedded: number;
  readonly failed: number;
  /** Embedded chunks whose vector was copied from a chunk with the same text. */
  readonly reused: number;
  /** ISO 8601. */
  readonly enqueuedAt: string;
  /** ISO 8601. */
  readonly completedAt: string;
}

/** `data` of `document.deleted`. */
export interface DocumentDeletedEventData {
  readonly namespace: string;
  readonly documentId: string;
  readonly deletedChunks: number;
}

/** Every chunk of the batch was embedded. */
export interface BatchCompletedEvent {
  readonly type: 'batch.completed';
  /** ISO 8601: when it happened (not when this attempt was sent). */
  readonly timestamp: string;
  readonly data: BatchEventData<'completed'>;
}

/** Every chunk of the batch is done, and at least one failed. */
export interface BatchFailedEvent {
  readonly type: 'batch.failed';
  /** ISO 8601: when it happened (not when this attempt was sent). */
  readonly timestamp: string;
  readonly data: BatchEventData<'failed'>;
}

/** A document's chunks were deleted (DELETE /v1/documents/:id). */
export interface DocumentDeletedEvent {
  readonly type: 'document.deleted';
  /** ISO 8601: when it happened (not when this attempt was sent). */
  readonly timestamp: string;
  readonly data: DocumentDeletedEventData;
}

/**
 * The body of a delivery, by `type`. A webhook gets only the types it subscribed to, so a
 * receiver whose webhook was registered with this client's types gets no other.
 */
export type WebhookEvent = BatchCompletedEvent | BatchFailedEvent | DocumentDeletedEvent;

export const WEBHOOK_EVENT_TYPES = [
  'batch.completed',
  'batch.failed',
  'document.deleted',
] as const satisfies readonly WebhookEventType[];
type _WebhookEventTypesListed = ExpectNone<UnlistedValues<WebhookEventType, typeof WEBHOOK_EVENT_TYPES>>;

export const WEBHOOK_DELIVERY_STATUSES = [
  'pending',
  'delivered',
  'failed',
] as const satisfies readonly WebhookDeliveryStatus[];
type _WebhookDeliveryStatusesListed = ExpectNone<
  UnlistedValues<WebhookDeliveryStatus, typeof WEBHOOK_DELIVERY_STATUSES>
>;

export const CREATE_WEBHOOK_REQUEST_FIELDS = {
  required: ['url', 'events'],
  optional: ['namespace', 'description'],
} as const satisfies FieldList<CreateWebhookRequest>;
type _CreateWebhookListed = ExpectNone<
  UnlistedKeys<CreateWebhookRequest, typeof CREATE_WEBHOOK_REQUEST_FIELDS>
>;

export const WEBHOOK_FIELDS = {
  required: [
    'id',
    'namespace',
    'url',
    'events',
    'description',
    'enabled',
    'createdAt',
    'lastSuccessAt',
    'disabledAt',
    'disabledReason',
  ],
  optional: [],
} as const satisfies FieldList<Webhook>;
type _WebhookListed = ExpectNone<UnlistedKeys<Webhook, typeof WEBHOOK_FIELDS>>;

export const WEBHOOK_CREATED_FIELDS = {
  required: [...WEBHOOK_FIELDS.required, 'secret'],
  optional: [],
} as const satisfies FieldList<CreatedWebhook>;
type _WebhookCreatedListed = ExpectNone<UnlistedKeys<CreatedWebhook, typeof WEBHOOK_CREATED_FIELDS>>;

export const LIST_WEBHOOKS_QUERY_FIELDS = {
  required: [],
  optional: ['namespace'],
} as const satisfies FieldList<ListWebhooksQuery>;
type _ListWebhooksQueryListed = ExpectNone<
  UnlistedKeys<ListWebhooksQuery, typeof LIST_WEBHOOKS_QUERY_FIELDS>
>;

export const WEBHOOK_LIST_FIELDS = {
  required: ['webhooks'],
  optional: [],
} as const satisfies FieldList<WebhookList>;
type _WebhookListListed = ExpectNone<UnlistedKeys<WebhookList, typeof WEBHOOK_LIST_FIELDS>>;

export const LIST_DELIVERIES_QUERY_FIELDS = {
  required: [],
  optional: ['limit', 'status'],
} as const satisfies FieldList<ListDeliveriesQuery>;
type _ListDeliveriesQueryListed = ExpectNone<
  UnlistedKeys<ListDeliveriesQuery, typeof LIST_DELIVERIES_QUERY_FIELDS>
>;

export const WEBHOOK_DELIVERY_ATTEMPT_FIELDS = {
  required: ['at', 'statusCode', 'error', 'ms'],
  optional: [],
} as const satisfies FieldList<WebhookDeliveryAttempt>;
type _WebhookDeliveryAttemptListed = ExpectNone<
  UnlistedKeys<WebhookDeliveryAttempt, typeof WEBHOOK_DELIVERY_ATTEMPT_FIELDS>
>;

export const WEBHOOK_DELIVERY_FIELDS = {
  required: [
    'id',
    'eventType',
    'status',
    'attempts',
    'createdAt',
    'nextAttemptAt',
    'lastAttemptAt',
    'lastStatusCode',
    'lastError',
    'deliveredAt',
    'attemptLog',
    'payload',
  ],
  optional: [],
} as const satisfies FieldList<WebhookDelivery>;
type _WebhookDeliveryListed = ExpectNone<UnlistedKeys<WebhookDelivery, typeof WEBHOOK_DELIVERY_FIELDS>>;

export const WEBHOOK_DELIVERY_LIST_FIELDS = {
  required: ['deliveries'],
  optional: [],
} as const satisfies FieldList<WebhookDeliveryList>;
type _WebhookDeliveryListListed = ExpectNone<
  UnlistedKeys<WebhookDeliveryList, typeof WEBHOOK_DELIVERY_LIST_FIELDS>
>;

export const WEBHOOK_EVENT_FIELDS = {
  required: ['type', 'timestamp', 'data'],
  optional: [],
} as const satisfies FieldList<WebhookEvent>;
type _WebhookEventListed = ExpectNone<UnlistedKeys<WebhookEvent, typeof WEBHOOK_EVENT_FIELDS>>;

export const BATCH_EVENT_DATA_FIELDS = {
  required: [
    'batchId',
    'namespace',
    'documentId',
    'kind',
    'status',
    'total',
    'embedded',
    'failed',
    'reused',
    'enqueuedAt',
    'completedAt',
  ],
  optional: [],
} as const satisfies FieldList<BatchEventData>;
type _BatchEventDataListed = ExpectNone<UnlistedKeys<BatchEventData, typeof BATCH_EVENT_DATA_FIELDS>>;

export const DOCUMENT_DELETED_EVENT_DATA_FIELDS = {
  required: ['namespace', 'documentId', 'deletedChunks'],
  optional: [],
} as const satisfies FieldList<DocumentDeletedEventData>;
type _DocumentDeletedEventDataListed = ExpectNone<
  UnlistedKeys<DocumentDeletedEventData, typeof DOCUMENT_DELETED_EVENT_DATA_FIELDS>
>;
