import { once } from 'node:events';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline, TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';

const services = await servicesOrSkip('slow clients');

describe.skipIf(services === undefined)('a client that sends its request too slowly', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, {
      env: { REQUEST_TIMEOUT_MS: '1000' },
      worker: false,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  it('has its connection closed after the timeout instead of holding it open', async () => {
    const { port } = new URL(pipeline.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // Headers promise 100 bytes of body; one arrives, the rest never does.
    socket.write(
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    );
    const started = performance.now();
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => {
      answer += d;
    });
    await once(socket, 'close');
    const waited = performance.now() - started;
    // The idle-socket timeout closes it without an answer (Node's request timeout would send 408).
    expect(answer).toMatch(/^$|^HTTP\/1\.1 408/);
    // Closed by the server after about the timeout, not by the test giving up.
    expect(waited).toBeGreaterThan(900);
    expect(waited).toBeLessThan(60_000);
  });
});
