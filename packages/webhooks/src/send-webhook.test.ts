import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostLookup } from './resolve-webhook-addresses.js';
import { sendWebhook } from './send-webhook.js';

const PRIVATE_OK = { allowPrivate: true };
const rebinding: HostLookup = async () => [{ address: '127.0.0.1', family: 4 }];

// A real HTTP server on loopback, answering by path.
let server: Server;
let base: string;
const received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body });
    if (req.url === '/ok') res.writeHead(204).end();
    else if (req.url === '/fail') res.writeHead(500).end('broken');
    else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2_000);
    else if (req.url === '/endless') {
      res.writeHead(200);
      const chunk = Buffer.alloc(16_384, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else res.writeHead(404).end();
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('sendWebhook', () => {
  it('POSTs the body with the headers; a 2xx is a success', async () => {
    const outcome = await sendWebhook({
      url: `${base}/ok`,
      headers: { 'webhook-id': 'msg_1', 'content-type': 'application/json' },
      body: '{"type":"batch.completed"}',
      policy: PRIVATE_OK,
    });
    expect(outcome).toMatchObject({ ok: true, statusCode: 204, error: null });
    const got = received.find((r) => r.path === '/ok');
    expect(got?.body).toBe('{"type":"batch.completed"}');
    expect(got?.headers['webhook-id']).toBe('msg_1');
    expect(got?.headers['content-length']).toBe('26');
  });

  it('counts a 5xx as a failure', async () => {
    const outcome = await sendWebhook({ url: `${base}/fail`, headers: {}, body: '{}', policy: PRIVATE_OK });
    expect(outcome).toMatchObject({ ok: false, statusCode: 500, error: null });
  });

  it('does not follow a redirect: a 3xx is a failure', async () => {
    const before = received.filter((r) => r.path === '/ok').length;
    const outcome = await sendWebhook({
      url: `${base}/redirect`,
      headers: {},
      body: '{}',
      policy: PRIVATE_OK,
    });
    expect(outcome).toMatchObject({ ok: false, statusCode: 302 });
    expect(received.filter((r) => r.path === '/ok')).toHaveLength(before);
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    const outcome = await sendWebhook({
      url: `${base}/slow`,
      headers: {},
      body: '{}',
      policy: PRIVATE_OK,
      timeoutMs: 200,
    });
    expect(outcome).toMatchObject({ ok: false, statusCode: null, error: 'no complete answer within 200 ms' });
    expect(outcome.ms).toBeLessThan(1_500);
  });

  it('stops reading an endless answer at the cap and keeps its status', async () => {
    const outcome = await sendWebhook({
      url: `${base}/endless`,
      headers: {},
      body: '{}',
      policy: PRIVATE_OK,
      timeoutMs: 4_000,
      maxResponseBytes: 100_000,
    });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(outcome.ms).toBeLessThan(3_000);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await sendWebhook({
      url: `http://127.0.0.1:${port}/`,
      headers: {},
      body: '{}',
      policy: PRIVATE_OK,
    });
    expect(outcome).toMatchObject({ ok: false, statusCode: null });
    expect(outcome.error).toMatch(/ECONNREFUSED/);
  });

  it('refuses private targets at delivery time without the flag: by URL and by DNS answer', async () => {
    const count = received.length;
    const byUrl = await sendWebhook({
      url: `${base}/ok`,
      headers: {},
      body: '{}',
      policy: { allowPrivate: false },
    });
    expect(byUrl.error).toMatch(/must be https/);
    const literal = await sendWebhook({
      url: 'https://127.0.0.1:1/ok',
      headers: {},
      body: '{}',
      policy: { allowPrivate: false },
    });
    expect(literal.error).toMatch(/loopback address/);
    // A public-looking name whose DNS answer is loopback (rebinding): the lookup the socket
    // connects with refuses it.
    const byDns = await sendWebhook({
      url: 'https://hooks.example.com:1/ok',
      headers: {},
      body: '{}',
      policy: { allowPrivate: false },
      lookupHost: rebinding,
    });
    expect(byDns).toMatchObject({ ok: false, statusCode: null });
    expect(byDns.error).toMatch(/loopback address \(hooks\.example\.com -> 127\.0\.0\.1\)/);
    expect(received.length).toBe(count);
  });

  it('connects to the address its own lookup checked', async () => {
    const port = new URL(base).port;
    const outcome = await sendWebhook({
      url: `http://hooks.example.com:${port}/ok`,
      headers: {},
      body: '{}',
      policy: PRIVATE_OK,
      lookupHost: rebinding,
    });
    expect(outcome).toMatchObject({ ok: true, statusCode: 204 });
  });
});
