import { createHmac } from 'node:crypto';
import { webhookSecretKey } from './webhook-secret.js';

export interface WebhookMessage {
  /** The message id, the same on every attempt (`webhook-id`). */
  readonly id: string;
  /** Seconds since the epoch of this attempt (`webhook-timestamp`). */
  readonly timestamp: number;
  /** The exact body sent. */
  readonly body: string;
}

/**
 * The `webhook-signature` header of the Standard Webhooks specification: `v1,` and the base64
 * HMAC-SHA256 of `id.timestamp.body` under the secret's key.
 */
export function signWebhook(secret: string, message: WebhookMessage): string {
  const mac = createHmac('sha256', webhookSecretKey(secret))
    .update(`${message.id}.${message.timestamp}.${message.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** Every header a delivery carries besides the transport's own. */
export function webhookHeaders(secret: string, message: WebhookMessage): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'embedq-webhooks/0.1',
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': signWebhook(secret, message),
  };
}
