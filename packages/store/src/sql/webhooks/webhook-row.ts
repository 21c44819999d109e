/** A registered webhook as the API shows it: never its secret. */
export interface StoredWebhook {
  readonly id: string;
  readonly namespace: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly createdAt: Date;
  readonly lastSuccessAt: Date | null;
  readonly disabledAt: Date | null;
  readonly disabledReason: string | null;
}

export interface WebhookRow {
  id: string;
  namespace: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: Date;
  last_success_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
}

export const WEBHOOK_COLUMNS =
  'id, namespace, url, events, description, created_at, last_success_at, disabled_at, disabled_reason';

export function toStoredWebhook(row: WebhookRow): StoredWebhook {
  return {
    id: row.id,
    namespace: row.namespace,
    url: row.url,
    events: row.events,
    description: row.description,
    createdAt: row.created_at,
    lastSuccessAt: row.last_success_at,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
  };
}
