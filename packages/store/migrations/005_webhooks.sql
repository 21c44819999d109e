-- Webhooks: endpoints a namespace registers, and one delivery row per event per endpoint (an
-- outbox: the row is written in the transaction that decides the event happened, so an event
-- cannot be lost between Postgres and the delivery queue; the reconciler re-queues rows whose
-- job Redis lost).
CREATE TABLE webhooks (
  id uuid PRIMARY KEY,
  namespace text NOT NULL,
  url text NOT NULL CHECK (length(url) <= 2048),
  events text[] NOT NULL CHECK (cardinality(events) > 0),
  description text,
  -- whsec_<base64>: signs deliveries (Standard Webhooks). Kept to sign; shown once at creation.
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_success_at timestamptz,
  -- Set when a delivery used up its retries and nothing reached the endpoint since that delivery
  -- was created: it has been failing for the whole retry schedule (a day and more by default).
  disabled_at timestamptz,
  disabled_reason text
);
CREATE INDEX webhooks_namespace ON webhooks (namespace);

CREATE TABLE webhook_deliveries (
  -- The Standard Webhooks message id (webhook-id header): msg_<hex>, the same on every attempt.
  id text PRIMARY KEY,
  webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_type text NOT NULL,
  -- The exact JSON body sent on every attempt.
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  -- One entry per attempt: {at, statusCode, error, ms}.
  attempt_log jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- When a batch's final event (batch.completed or batch.failed) was decided: whoever finishes
-- the batch's last chunk sets it, once; a replaced or deleted batch never gets one.
ALTER TABLE batches ADD COLUMN finished_event_at timestamptz;
-- Batches finished before this migration have had their moment: no events for them.
UPDATE batches b SET finished_event_at = coalesce(b.replaced_at, b.deleted_at, b.created_at)
 WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.batch_id = b.id AND c.status = 'pending');
-- The reconciler's sweep for batches whose finisher died before deciding.
CREATE INDEX batches_unfinished ON batches (created_at)
  WHERE finished_event_at IS NULL AND replaced_at IS NULL AND deleted_at IS NULL;
