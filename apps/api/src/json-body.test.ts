import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { toApiError } from './error-handler.js';
import { LONG_STRING_BYTES, registerJsonBodyParser } from './json-body.js';

describe('registerJsonBodyParser with long strings', () => {
  const echo = async () => {
    const app = Fastify({ bodyLimit: 16 * 1_048_576 });
    app.setErrorHandler((error, _request, reply) => {
      const apiError = toApiError(error);
      return reply.status(apiError.status).send({ code: apiError.code });
    });
    registerJsonBodyParser(app);
    app.post('/', async (request) => request.body);
    await app.ready();
    return app;
  };
  const long = `${'Greek αβγ ± 0.5 °C, 🧬 "quoted" \\ back\n\ttabbed line\n'.repeat(3_000)}end`;

  it('parses a body with long strings as JSON.parse does, wherever they sit', async () => {
    const app = await echo();
    const body = {
      documentId: 'd',
      text: long,
      metadata: { notes: [long, 'short'], [long.slice(0, 70_000)]: 1 },
    };
    const payload = JSON.stringify(body);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(LONG_STRING_BYTES);
    const answer = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual(body);
    await app.close();
  });

  it('refuses invalid UTF-8, deep nesting and prototype keys in a large body', async () => {
    const app = await echo();
    const post = (payload: string | Buffer) =>
      app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload });
    const text = JSON.stringify(long);
    const invalid = Buffer.concat([
      Buffer.from(`{"text": ${text.slice(0, -1)}`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expect((await post(invalid)).json()).toEqual({ code: 'invalid_utf8' });
    expect((await post(`{"text": ${text}, "deep": ${'['.repeat(40)}${']'.repeat(40)}}`)).json()).toEqual({
      code: 'nesting_too_deep',
    });
    expect((await post(`{"text": ${text}, "__proto__": {"polluted": true}}`)).statusCode).toBe(400);
    expect((await post(`{"text": ${text}`)).json()).toEqual({ code: 'invalid_json' });
    expect((await post(`{"text": ${text}, "more": "never closed}`)).json()).toEqual({ code: 'invalid_json' });
    // A lone surrogate escape is JSON.parse's to decode; the routes refuse it by name.
    expect((await post(`{"text": "${'a'.repeat(70_000)}\\ud83e"}`)).json()).toEqual({
      text: `${'a'.repeat(70_000)}\ud83e`,
    });
    await app.close();
  });
});
