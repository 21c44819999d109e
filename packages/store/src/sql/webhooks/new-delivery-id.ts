/**
 * SQL for a new Standard Webhooks message id: `msg_` and 32 hex digits of a random UUID. The
 * same id goes with every attempt, so a receiver can drop a delivery it has seen.
 */
export const NEW_DELIVERY_ID = `'msg_' || replace(gen_random_uuid()::text, '-', '')`;
