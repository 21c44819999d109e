import { createHmac } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type VerifiedWebhook,
  verifyWebhook,
  verifyWebhookSignature,
  type WebhookMessage,
  WebhookVerificationError,
} from './verify-webhook.js';
import type { BatchEventData, DocumentDeletedEventData } from './webhooks.js';

// The Standard Webhooks specification's reference vector.
const REFERENCE = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT_REFERENCE = { now: new Date(REFERENCE.timestamp * 1_000) };

const SECRET = `whsec_${Buffer.from('a key of thirty-two bytes, exact').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('another key of thirty-two bytes').toString('base64')}`;

const EVENT = {
  type: 'batch.completed',
  timestamp: '2026-01-02T03:04:05.678Z',
  data: {
    batchId: '0b8c6a52-3f1e-4c3a-9d4e-2f6b1a7c8d90',
    namespace: 'papers',
    documentId: 'soil-2024',
    kind: 'document',
    status: 'completed',
    total: 3,
    embedded: 3,
    failed: 0,
    reused: 1,
    enqueuedAt: '2026-01-02T03:04:01.000Z',
    completedAt: '2026-01-02T03:04:05.678Z',
  },
} as const;

/** A signature written here with node:crypto, as the specification defines it. */
function sign(secret: string, id: string, timestamp: number | string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

function reference(overrides: Partial<Record<string, string>> = {}, body = REFERENCE.body): WebhookMessage {
  return {
    headers: {
      'webhook-id': REFERENCE.id,
      'webhook-timestamp': String(REFERENCE.timestamp),
      'webhook-signature': REFERENCE.signature,
      ...overrides,
    },
    body,
  };
}

/** A delivery of `body` signed with `secret` at `timestamp` (seconds). */
function delivery(body: string, timestamp: number, secret = SECRET, id = 'msg_0123'): WebhookMessage {
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': sign(secret, id, timestamp, body),
    },
    body,
  };
}

async function failure(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

describe('verifyWebhookSignature', () => {
  it("accepts the specification's reference vector", async () => {
    // The signature written here agrees with the specification's, so the other tests' do too.
    expect(sign(REFERENCE.secret, REFERENCE.id, REFERENCE.timestamp, REFERENCE.body)).toBe(
      REFERENCE.signature,
    );
    await expect(
      verifyWebhookSignature(REFERENCE.secret, reference(), AT_REFERENCE),
    ).resolves.toBeUndefined();
  });

  it('takes headers as a Headers object or a plain object with names in any case', async () => {
    const asHeaders = new Headers(reference().headers as Record<string, string>);
    await expect(
      verifyWebhookSignature(REFERENCE.secret, { headers: asHeaders, body: REFERENCE.body }, AT_REFERENCE),
    ).resolves.toBeUndefined();
    const mixedCase = {
      'Webhook-Id': REFERENCE.id,
      'WEBHOOK-TIMESTAMP': String(REFERENCE.timestamp),
      'Webhook-Signature': REFERENCE.signature,
    };
    await expect(
      verifyWebhookSignature(REFERENCE.secret, { headers: mixedCase, body: REFERENCE.body }, AT_REFERENCE),
    ).resolves.toBeUndefined();
  });

  it('takes the body as text or bytes', async () => {
    const bytes = new TextEncoder().encode(REFERENCE.body);
    for (const body of [bytes, bytes.buffer, Buffer.from(REFERENCE.body)]) {
      await expect(
        verifyWebhookSignature(REFERENCE.secret, { ...reference(), body }, AT_REFERENCE),
      ).resolves.toBeUndefined();
    }
  });

  it('accepts a header of several signatures when any v1 one matches, skipping other versions', async () => {
    const other = sign(OTHER_SECRET, REFERENCE.id, REFERENCE.timestamp, REFERENCE.body);
    for (const header of [
      `${other} ${REFERENCE.signature}`,
      `v2,${REFERENCE.signature.slice(3)} ${REFERENCE.signature}`,
      `v1,not*base64 ${REFERENCE.signature} ${other}`,
      // As Headers joins the header sent twice.
      `${other}, ${REFERENCE.signature}`,
    ]) {
      await expect(
        verifyWebhookSignature(REFERENCE.secret, reference({ 'webhook-signature': header }), AT_REFERENCE),
      ).resolves.toBeUndefined();
    }
    const asList = { ...reference().headers, 'webhook-signature': [other, REFERENCE.signature] };
    await expect(
      verifyWebhookSignature(REFERENCE.secret, { headers: asList, body: REFERENCE.body }, AT_REFERENCE),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['a changed body', reference({}, '{"test": 2432232315}')],
    ['a body parsed and written again', reference({}, JSON.stringify(JSON.parse(REFERENCE.body)))],
    ['another id', reference({ 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJeK' })],
    ['another timestamp', reference({ 'webhook-timestamp': String(REFERENCE.timestamp + 1) })],
    ['only another version', reference({ 'webhook-signature': `v2,${REFERENCE.signature.slice(3)}` })],
    ['a signature cut short', reference({ 'webhook-signature': REFERENCE.signature.slice(0, -4) })],
    ['no version', reference({ 'webhook-signature': REFERENCE.signature.slice(3) })],
  ])('refuses %s: invalid_signature', async (_label, message) => {
    const error = await failure(verifyWebhookSignature(REFERENCE.secret, message, AT_REFERENCE));
    expect(error).toMatchObject({ name: 'WebhookVerificationError', code: 'invalid_signature' });
    expect(error.message).toMatch(/no v1 signature/);
  });

  it('refuses another secret: invalid_signature', async () => {
    const error = await failure(verifyWebhookSignature(OTHER_SECRET, reference(), AT_REFERENCE));
    expect(error.code).toBe('invalid_signature');
  });

  it('refuses a timestamp older or newer than the tolerance, 300 s unless told', async () => {
    const at = (seconds: number) => ({ now: new Date((REFERENCE.timestamp + seconds) * 1_000) });
    for (const seconds of [-300, 300, 300.999]) {
      await expect(
        verifyWebhookSignature(REFERENCE.secret, reference(), at(seconds)),
      ).resolves.toBeUndefined();
    }
    const stale = await failure(verifyWebhookSignature(REFERENCE.secret, reference(), at(301)));
    expect(stale.code).toBe('timestamp_too_old');
    expect(stale.message).toMatch(/301 s old, more than the 300 s tolerance/);
    const future = await failure(verifyWebhookSignature(REFERENCE.secret, reference(), at(-301)));
    expect(future.code).toBe('timestamp_too_new');
    expect(future.message).toMatch(/301 s ahead/);

    const strict = { ...at(11), toleranceSeconds: 10 };
    expect((await failure(verifyWebhookSignature(REFERENCE.secret, reference(), strict))).code).toBe(
      'timestamp_too_old',
    );
    await expect(
      verifyWebhookSignature(REFERENCE.secret, reference(), { ...at(-10), toleranceSeconds: 10 }),
    ).resolves.toBeUndefined();
    await expect(
      verifyWebhookSignature(REFERENCE.secret, reference(), { toleranceSeconds: -1 }),
    ).rejects.toThrow(RangeError);
  });

  it('checks the timestamp against the clock by default', async () => {
    const now = Math.floor(Date.now() / 1_000);
    await expect(verifyWebhookSignature(SECRET, delivery(REFERENCE.body, now))).resolves.toBeUndefined();
    const stale = await failure(verifyWebhookSignature(SECRET, delivery(REFERENCE.body, now - 3_600)));
    expect(stale.code).toBe('timestamp_too_old');
    // A stale delivery is refused even when its signature is good: a replay.
    await expect(
      verifyWebhookSignature(SECRET, delivery(REFERENCE.body, now - 3_600), { toleranceSeconds: 3_700 }),
    ).resolves.toBeUndefined();
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a delivery without %s, or with it empty: missing_header',
    async (name) => {
      const { [name]: _left, ...rest } = reference().headers as Record<string, string>;
      for (const headers of [rest, { ...rest, [name]: '' }, { ...rest, [name]: undefined }]) {
        const error = await failure(
          verifyWebhookSignature(REFERENCE.secret, { headers, body: REFERENCE.body }, AT_REFERENCE),
        );
        expect(error.code).toBe('missing_header');
        expect(error.message).toBe(`the delivery has no ${name} header`);
      }
    },
  );

  it.each(['soon', '1614265330.5', '-1614265330', '1e9', '9'.repeat(16)])(
    'refuses the timestamp %s: invalid_timestamp',
    async (timestamp) => {
      const error = await failure(
        verifyWebhookSignature(REFERENCE.secret, reference({ 'webhook-timestamp': timestamp }), AT_REFERENCE),
      );
      expect(error.code).toBe('invalid_timestamp');
    },
  );

  it.each([
    ['without whsec_', REFERENCE.secret.slice('whsec_'.length)],
    ['with another prefix', `whsk_${REFERENCE.secret.slice('whsec_'.length)}`],
    ['that is not base64', 'whsec_not base64!'],
    ['with no key', 'whsec_'],
  ])('refuses a secret %s: invalid_secret', async (_label, secret) => {
    const error = await failure(verifyWebhookSignature(secret, reference(), AT_REFERENCE));
    expect(error.code).toBe('invalid_secret');
  });
});

describe('verifyWebhook', () => {
  const at = new Date(Date.parse(EVENT.timestamp));
  const now = Math.floor(at.getTime() / 1_000);

  it('resolves with the event and its webhook-id, typed by the event type', async () => {
    const body = JSON.stringify(EVENT);
    const verified = await verifyWebhook(SECRET, delivery(body, now, SECRET, 'msg_abc'), { now: at });
    expect(verified).toEqual({ ...EVENT, id: 'msg_abc' });
    expectTypeOf(verified).toEqualTypeOf<VerifiedWebhook>();
    if (verified.type === 'batch.completed') {
      expectTypeOf(verified.data).toEqualTypeOf<BatchEventData<'completed'>>();
    } else if (verified.type === 'document.deleted') {
      expectTypeOf(verified.data).toEqualTypeOf<DocumentDeletedEventData>();
    }
    // Bytes as fetch-style handlers read them.
    const bytes = await new Response(body).arrayBuffer();
    const headers = new Headers(delivery(body, now, SECRET, 'msg_abc').headers as Record<string, string>);
    await expect(verifyWebhook(SECRET, { headers, body: bytes }, { now: at })).resolves.toEqual(verified);
  });

  it('keeps the header id over any id in the body', async () => {
    const body = JSON.stringify({ ...EVENT, id: 'from-the-body' });
    await expect(
      verifyWebhook(SECRET, delivery(body, now, SECRET, 'msg_h'), { now: at }),
    ).resolves.toMatchObject({
      id: 'msg_h',
    });
  });

  it('verifies before it parses: a bad signature is invalid_signature whatever the body', async () => {
    const signed = delivery(JSON.stringify(EVENT), now, OTHER_SECRET);
    expect((await failure(verifyWebhook(SECRET, signed, { now: at }))).code).toBe('invalid_signature');
    const notJson = delivery('not json', now, OTHER_SECRET);
    expect((await failure(verifyWebhook(SECRET, notJson, { now: at }))).code).toBe('invalid_signature');
  });

  it.each([
    ['not JSON', 'not json', /not JSON/],
    ['the reference body, which is no event', REFERENCE.body, /not an event/],
    ['an array', '[]', /not an event/],
    [
      'an event without data',
      JSON.stringify({ type: EVENT.type, timestamp: EVENT.timestamp }),
      /not an event/,
    ],
    ['an event whose data is null', JSON.stringify({ ...EVENT, data: null }), /not an event/],
    ['an event with a numeric timestamp', JSON.stringify({ ...EVENT, timestamp: now }), /not an event/],
  ])('refuses a well signed body that is %s: invalid_body', async (_label, body, message) => {
    const error = await failure(verifyWebhook(SECRET, delivery(body, now), { now: at }));
    expect(error.code).toBe('invalid_body');
    expect(error.message).toMatch(message);
  });

  it('gives the reference vector, signed right but no event, invalid_body', async () => {
    const error = await failure(verifyWebhook(REFERENCE.secret, reference(), AT_REFERENCE));
    expect(error.code).toBe('invalid_body');
  });
});
