/** What a webhook can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['batch.completed', 'batch.failed', 'document.deleted'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_LIMITS = {
  /** Webhooks one namespace may register. */
  perNamespace: 20,
  /** Characters of a webhook URL. */
  urlLength: 2_048,
  /** Characters of a webhook's description. */
  descriptionLength: 500,
} as const;
