import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { CLIENT_VERSION, DEFAULT_MAX_RETRIES, resolveClientOptions } from './client-options.js';

describe('resolveClientOptions', () => {
  it.each([
    ['localhost:8080'],
    ['/v1'],
    ['embedq.example.com'],
    ['ftp://embedq.example.com'],
    ['http://embedq.example.com/?key=1'],
    ['http://user:secret@embedq.example.com'],
    [''],
  ])('refuses baseUrl %j with a TypeError', (baseUrl) => {
    expect(() => resolveClientOptions({ baseUrl, apiKey: 'k' })).toThrow(TypeError);
    expect(() => resolveClientOptions({ baseUrl, apiKey: 'k' })).toThrow(/baseUrl/);
  });

  it.each([[''], ['   '], ['key\nX-Injected: 1'], ['clé']])(
    'refuses apiKey %j with a TypeError',
    (apiKey) => {
      expect(() => resolveClientOptions({ baseUrl: 'http://localhost:3000', apiKey })).toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('apiKey') }),
      );
    },
  );

  it('refuses options that are not an object, naming what it needs', () => {
    // @ts-expect-error: the mistake under test
    expect(() => resolveClientOptions(undefined)).toThrow(/baseUrl, apiKey/);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'refuses maxRetries %j with a RangeError',
    (maxRetries) => {
      expect(() =>
        resolveClientOptions({ baseUrl: 'http://localhost:3000', apiKey: 'k', maxRetries }),
      ).toThrow(RangeError);
    },
  );

  it('takes http and https URLs, keeping a path prefix, and fills in the defaults', () => {
    const options = resolveClientOptions({ baseUrl: 'https://example.com/embedq', apiKey: 'k' });
    expect(options.baseUrl.href).toBe('https://example.com/embedq/');
    expect(options.maxRetries).toBe(DEFAULT_MAX_RETRIES);
    expect(options.userAgent).toBe(`embedq-client/${CLIENT_VERSION}`);
    expect(options.eventStreams).toBe(true);
    expect(resolveClientOptions({ baseUrl: 'http://h', apiKey: 'k', eventStreams: false }).eventStreams).toBe(
      false,
    );
    expect(
      resolveClientOptions({ baseUrl: new URL('http://127.0.0.1:3000'), apiKey: 'k' }).baseUrl.href,
    ).toBe('http://127.0.0.1:3000/');
    expect(resolveClientOptions({ baseUrl: 'http://h', apiKey: 'k', maxRetries: 0 }).maxRetries).toBe(0);
  });

  it("says the package's version in the User-Agent", () => {
    expect(CLIENT_VERSION).toBe(packageJson.version);
  });
});
