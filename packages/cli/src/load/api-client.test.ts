import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiRequestError } from './api-client.js';

/** A real HTTP server answering every request with the status in its path: /status/401. */
function statusServer(): Promise<Server> {
  const server = createServer((request, response) => {
    const status = Number(request.url?.split('/').pop());
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `status ${status}` }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('ApiClient', () => {
  let server: Server;
  let client: ApiClient;

  beforeAll(async () => {
    server = await statusServer();
    client = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'some-key');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    [401, /401 .*status 401.*\(set EMBEDQ_API_KEY/],
    [403, /403 .*status 403.*may not use this namespace/],
  ])('says what to do about a %i answer', async (status, message) => {
    const error = await client.request('GET', `/status/${status}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect((error as ApiRequestError).status).toBe(status);
    expect((error as Error).message).toMatch(message);
  });

  it('adds no hint to other errors', async () => {
    const error = (await client.request('GET', '/status/404').catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('GET /status/404: 404 {"error":"status 404"}');
  });
});
