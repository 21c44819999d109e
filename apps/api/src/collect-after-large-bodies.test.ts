import { setImmediate as nextTurn } from 'node:timers/promises';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  collectAfterLargeBodies,
  collectAfterLargeStep,
  LARGE_BODY_BYTES,
} from './collect-after-large-bodies.js';

describe('collectAfterLargeBodies', () => {
  it('collects once after answering a large body, not after small ones', async () => {
    let collections = 0;
    const app = Fastify({ bodyLimit: 4 * LARGE_BODY_BYTES });
    collectAfterLargeBodies(app, () => {
      collections++;
    });
    app.post('/', async () => ({ ok: true }));
    const post = (bytes: number) =>
      app.inject({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ text: 'x'.repeat(bytes) }),
      });
    expect((await post(1_000)).statusCode).toBe(200);
    await nextTurn();
    expect(collections).toBe(0);
    expect((await post(LARGE_BODY_BYTES)).statusCode).toBe(200);
    await nextTurn();
    expect(collections).toBe(1);
    await app.close();
  });
});

describe('collectAfterLargeStep', () => {
  it('collects after a large step only, and only when the process may', () => {
    let collections = 0;
    const gc = () => {
      collections++;
    };
    expect(collectAfterLargeStep(LARGE_BODY_BYTES - 1, gc)).toBe(false);
    expect(collections).toBe(0);
    expect(collectAfterLargeStep(LARGE_BODY_BYTES, gc)).toBe(true);
    expect(collections).toBe(1);
    expect(collectAfterLargeStep(5 * LARGE_BODY_BYTES, undefined)).toBe(false);
  });
});
