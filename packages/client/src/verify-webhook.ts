import type { WebhookEvent } from './webhooks.js';

/** Why a delivery was not verified. */
export type WebhookVerificationErrorCode =
  /** The secret does not start with `whsec_`, or what follows is not base64. */
  | 'invalid_secret'
  /** webhook-id, webhook-timestamp or webhook-signature is missing or empty. */
  | 'missing_header'
  /** webhook-timestamp is not a whole number of seconds. */
  | 'invalid_timestamp'
  /** webhook-timestamp is further in the past than the tolerance: possibly a replay. */
  | 'timestamp_too_old'
  /** webhook-timestamp is further in the future than the tolerance. */
  | 'timestamp_too_new'
  /** No `v1,` signature in webhook-signature matches: another secret, or a changed body. */
  | 'invalid_signature'
  /** The signature matches but the body is not a JSON event `{ type, timestamp, data }`. */
  | 'invalid_body';

/** A delivery that did not pass verifyWebhook or verifyWebhookSignature: answer it 400 or 401. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * A delivery's headers: a Headers object (fetch-style handlers), or a plain object with names in
 * any case (node:http's `req.headers`). A header given as a list counts as its values joined by
 * `, `, as Headers joins repeated headers.
 */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A delivery as the receiver got it. */
export interface WebhookMessage {
  readonly headers: WebhookHeaders;
  /**
   * The body exactly as received, as text or bytes: the signature covers these bytes, so a body
   * parsed and serialised again will not verify.
   */
  readonly body: string | Uint8Array | ArrayBuffer;
}

export interface VerifyWebhookOptions {
  /**
   * Most seconds webhook-timestamp may be from now, either way; default 300. An older delivery
   * is refused as a possible replay (each retry is signed anew, with its own timestamp).
   */
  readonly toleranceSeconds?: number | undefined;
  /** The time to check webhook-timestamp against; default now. */
  readonly now?: Date | undefined;
}

/** A verified delivery: its event, and `id` (the webhook-id header, the same on every retry). */
export type VerifiedWebhook = WebhookEvent & {
  /** The same on every attempt at one event: deduplicate retries by it. */
  readonly id: string;
};

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 300;
const TIMESTAMP = /^[0-9]{1,15}$/;

/**
 * Verifies a delivery as the Standard Webhooks specification says (the signature over
 * `webhook-id.webhook-timestamp.body` under the secret, and the timestamp within the tolerance)
 * and parses its body. Resolves with the event and its webhook-id; rejects with a
 * WebhookVerificationError saying why otherwise. Web Crypto only: Node 20+, Deno, Bun, Workers,
 * browsers.
 */
export async function verifyWebhook(
  secret: string,
  message: WebhookMessage,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook> {
  await verifyWebhookSignature(secret, message, options);
  const event = parseEvent(message.body);
  // The header's id wins over any `id` a body might carry.
  return { ...event, id: requiredHeader(message.headers, 'webhook-id') };
}

/**
 * The checks of verifyWebhook without parsing the body: resolves when the signature and the
 * timestamp are good, rejects with a WebhookVerificationError otherwise.
 */
export async function verifyWebhookSignature(
  secret: string,
  message: WebhookMessage,
  options: VerifyWebhookOptions = {},
): Promise<void> {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
    throw new RangeError('toleranceSeconds must be a number of seconds, 0 or more');
  }
  const key = secretKey(secret);
  const id = requiredHeader(message.headers, 'webhook-id');
  const timestamp = requiredHeader(message.headers, 'webhook-timestamp');
  const signatures = requiredHeader(message.headers, 'webhook-signature');

  if (!TIMESTAMP.test(timestamp)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      `webhook-timestamp '${timestamp.slice(0, 40)}' is not a whole number of seconds`,
    );
  }
  const now = Math.floor((options.now ?? new Date()).getTime() / 1_000);
  const age = now - Number(timestamp);
  if (age > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `webhook-timestamp is ${age} s old, more than the ${tolerance} s tolerance: a replay, or a clock that is off`,
    );
  }
  if (-age > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `webhook-timestamp is ${-age} s ahead, more than the ${tolerance} s tolerance: a clock that is off`,
    );
  }

  const expected = await hmacSha256(key, concat(utf8(`${id}.${timestamp}.`), bytesOf(message.body)));
  // Each entry is `<version>,<base64>`; only v1 (HMAC-SHA256) is known, others are skipped.
  const matched = signatures
    .split(/\s+/)
    .map((entry) => entry.replace(/,$/, ''))
    .some((entry) => {
      if (!entry.startsWith('v1,')) return false;
      const given = base64Bytes(entry.slice(3));
      return given !== undefined && constantTimeEqual(given, expected);
    });
  if (!matched) {
    throw new WebhookVerificationError(
      'invalid_signature',
      'no v1 signature in webhook-signature matches: another secret, or a body changed (verify the raw body, before parsing it)',
    );
  }
}

function secretKey(secret: string): Uint8Array<ArrayBuffer> {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `a webhook secret starts with ${SECRET_PREFIX} (the one POST /v1/webhooks answered)`,
    );
  }
  const key = base64Bytes(secret.slice(SECRET_PREFIX.length));
  if (key === undefined || key.length === 0) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `the webhook secret after ${SECRET_PREFIX} is not base64`,
    );
  }
  return key;
}

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (isHeaders(headers)) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

function requiredHeader(headers: WebhookHeaders, name: string): string {
  const value = headerOf(headers, name)?.trim();
  if (value === undefined || value === '') {
    throw new WebhookVerificationError('missing_header', `the delivery has no ${name} header`);
  }
  return value;
}

function isHeaders(headers: WebhookHeaders): headers is Headers {
  // Not instanceof: a Headers of another realm or polyfill is as good.
  return typeof (headers as { get?: unknown }).get === 'function';
}

function parseEvent(body: WebhookMessage['body']): WebhookEvent {
  let event: unknown;
  try {
    event = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_body', 'the body is not JSON');
  }
  if (
    typeof event !== 'object' ||
    event === null ||
    !('type' in event && typeof event.type === 'string') ||
    !('timestamp' in event && typeof event.timestamp === 'string') ||
    !('data' in event && typeof event.data === 'object' && event.data !== null)
  ) {
    throw new WebhookVerificationError('invalid_body', 'the body is not an event { type, timestamp, data }');
  }
  return event as WebhookEvent;
}

async function hmacSha256(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    // Browsers give crypto.subtle to secure contexts (https) only.
    throw new TypeError('crypto.subtle is not available here: verifyWebhook needs Web Crypto');
  }
  const hmacKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', hmacKey, data));
}

/** Compares every byte whatever the first difference, so the time taken tells nothing. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function bytesOf(body: WebhookMessage['body']): Uint8Array {
  if (typeof body === 'string') return utf8(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
