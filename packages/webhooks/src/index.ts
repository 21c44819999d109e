export { forbiddenAddressKind } from './address-policy.js';
export { WEBHOOK_EVENT_TYPES, WEBHOOK_LIMITS, type WebhookEventType } from './event-types.js';
export {
  type HostLookup,
  type ResolvedAddress,
  resolveWebhookAddresses,
  systemLookup,
  WebhookAddressError,
} from './resolve-webhook-addresses.js';
export { retryDelayMs } from './retry-schedule.js';
export { type AttemptOutcome, sendWebhook, type WebhookRequest } from './send-webhook.js';
export { signWebhook, type WebhookMessage, webhookHeaders } from './sign-webhook.js';
export { newWebhookSecret, webhookSecretKey } from './webhook-secret.js';
export { hostOf, parseWebhookUrl, type WebhookUrlPolicy } from './webhook-url.js';
