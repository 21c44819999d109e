import { describe, expect, it } from 'vitest';
import { signWebhook, webhookHeaders } from './sign-webhook.js';
import { newWebhookSecret, webhookSecretKey } from './webhook-secret.js';

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks reference test vector', () => {
    // Published with the specification's reference libraries: a receiver's library verifies what we sign.
    const signature = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('changes with the id, the timestamp, the body and the secret', () => {
    const secret = newWebhookSecret();
    const message = { id: 'msg_1', timestamp: 1_700_000_000, body: '{}' };
    const base = signWebhook(secret, message);
    expect(signWebhook(secret, { ...message, id: 'msg_2' })).not.toBe(base);
    expect(signWebhook(secret, { ...message, timestamp: 1_700_000_001 })).not.toBe(base);
    expect(signWebhook(secret, { ...message, body: '{ }' })).not.toBe(base);
    expect(signWebhook(newWebhookSecret(), message)).not.toBe(base);
  });

  it('puts the id, the timestamp and the signature in the headers', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders(secret, { id: 'msg_1', timestamp: 42, body: '{}' });
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '42',
      'webhook-signature': signWebhook(secret, { id: 'msg_1', timestamp: 42, body: '{}' }),
    });
  });
});

describe('webhook secrets', () => {
  it('are whsec_ and 32 random bytes, different each time', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretKey(secret)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('without the prefix are refused', () => {
    expect(() => webhookSecretKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsec_/);
  });
});
