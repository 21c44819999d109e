import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BATCH_EVENT_DATA_FIELDS,
  DOCUMENT_DELETED_EVENT_DATA_FIELDS,
  EmbedqClient,
  EmbedqError,
  type VerifiedWebhook,
  verifyWebhook,
  WEBHOOK_CREATED_FIELDS,
  WEBHOOK_DELIVERY_FIELDS,
  WEBHOOK_EVENT_FIELDS,
  WebhookVerificationError,
} from '@embedq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';
import { waitFor } from '../support/wait-for.js';

// The client's webhook calls against the real pipeline, and its verifyWebhook in a receiver the
// way an application would use it: a node:http endpoint that verifies each delivery with the
// secret createWebhook answered, and answers 204, or 400 when verification fails.

const services = await servicesOrSkip('client webhooks');

const NAMESPACE = 'client-hooks';

/** One request the receiver got, and what verifyWebhook made of it. */
interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly outcome: VerifiedWebhook | WebhookVerificationError;
}

/** A webhook endpoint on loopback: each path verifies with the secret set for it. */
class VerifyingReceiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  #server: Server | undefined;
  #base = '';

  async start(): Promise<void> {
    this.#server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      // The raw bytes, as they came: the signature covers them, not a parsed and re-written body.
      const body = Buffer.concat(chunks);
      const path = req.url ?? '';
      let outcome: Received['outcome'];
      try {
        outcome = await verifyWebhook(this.secrets.get(path) ?? 'whsec_', { headers: req.headers, body });
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        outcome = error;
      }
      this.received.push({ path, headers: req.headers, body, outcome });
      res.writeHead(outcome instanceof WebhookVerificationError ? 400 : 204).end();
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.#base}${path}`;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

function sortedKeys(value: object): string[] {
  return Object.keys(value).sort();
}

describe.skipIf(services === undefined)('@embedq/client webhooks against the pipeline', () => {
  // Loopback receivers are allowed only with WEBHOOK_ALLOW_PRIVATE.
  const fixture = usePipeline(services, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
  const receiver = new VerifyingReceiver();
  const client = () => new EmbedqClient({ baseUrl: fixture.pipeline.baseUrl, apiKey: TEST_API_KEY });

  beforeAll(async () => {
    if (services !== undefined) await receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  /** The first `count` requests on `path`, each verified (a failure's reason in the message). */
  const verifiedOn = async (path: string, count = 1): Promise<VerifiedWebhook[]> => {
    const got = await waitFor(`${count} deliveries on ${path}`, async () => {
      const on = receiver.on(path);
      return on.length >= count ? on : undefined;
    });
    return got.map(({ outcome }) => {
      if (outcome instanceof WebhookVerificationError) throw outcome;
      return outcome;
    });
  };

  it('registers a webhook, verifies the batch.completed and document.deleted it is sent, lists the deliveries and deletes it', async () => {
    const embedq = client();
    const created = await embedq.createWebhook({
      namespace: NAMESPACE,
      url: receiver.url('/hook'),
      events: ['batch.completed', 'document.deleted'],
      description: 'client end to end',
    });
    expect(sortedKeys(created)).toEqual([...WEBHOOK_CREATED_FIELDS.required].sort());
    expect(created).toMatchObject({
      namespace: NAMESPACE,
      url: receiver.url('/hook'),
      events: ['batch.completed', 'document.deleted'],
      description: 'client end to end',
      enabled: true,
      lastSuccessAt: null,
      disabledAt: null,
      disabledReason: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    receiver.secrets.set('/hook', created.secret);
    const { secret, ...shown } = created;
    await expect(embedq.getWebhook(created.id)).resolves.toEqual(shown);
    await expect(embedq.listWebhooks({ namespace: NAMESPACE })).resolves.toEqual({ webhooks: [shown] });
    expect((await embedq.listWebhooks()).webhooks.map((w) => w.id)).toContain(created.id);

    // A batch, through the client, to its end: one batch.completed.
    const accepted = await embedq.submitBatch({
      namespace: NAMESPACE,
      documentId: 'hooked',
      chunks: [
        { text: 'Mean pooling averages the token embeddings under the attention mask.' },
        { text: 'Graphene is a single layer of carbon atoms in a hexagonal lattice.' },
      ],
    });
    const final = await embedq.waitForBatch(accepted.batchId, { timeoutMs: 60_000 });
    expect(final.status).toBe('completed');

    const [completed] = await verifiedOn('/hook');
    if (completed?.type !== 'batch.completed') throw new Error(`got ${completed?.type}`);
    expect(completed.id).toMatch(/^msg_/);
    expect(sortedKeys(completed)).toEqual([...WEBHOOK_EVENT_FIELDS.required, 'id'].sort());
    expect(sortedKeys(completed.data)).toEqual([...BATCH_EVENT_DATA_FIELDS.required].sort());
    expect(completed.data).toEqual({
      batchId: accepted.batchId,
      namespace: NAMESPACE,
      documentId: 'hooked',
      kind: 'chunks',
      status: 'completed',
      total: 2,
      embedded: 2,
      failed: 0,
      reused: 0,
      enqueuedAt: expect.any(String),
      completedAt: expect.any(String),
    });
    expect(Date.parse(completed.data.completedAt)).toBe(Date.parse(final.completedAt ?? ''));
    expect(Date.parse(completed.data.enqueuedAt)).toBe(Date.parse(final.enqueuedAt));

    // The same delivery, as a fetch-style handler would hold it, still verifies; changed, it does not.
    const [request] = receiver.on('/hook');
    const headers = new Headers(
      Object.entries(request?.headers ?? {}).flatMap(([name, value]) =>
        typeof value === 'string' ? [[name, value] as [string, string]] : [],
      ),
    );
    const body = new Uint8Array(request?.body ?? []);
    await expect(verifyWebhook(secret, { headers, body })).resolves.toEqual(completed);
    const changed = new TextDecoder().decode(body).replace('"hooked"', '"hacked"');
    expect(changed).not.toBe(new TextDecoder().decode(body));
    await expect(verifyWebhook(secret, { headers, body: changed })).rejects.toMatchObject({
      code: 'invalid_signature',
    });

    // The log shows it delivered (the worker records the 204 once the receiver has answered).
    const [delivery] = await waitFor('the delivery to be recorded as delivered', async () => {
      const { deliveries } = await embedq.listWebhookDeliveries(created.id);
      return deliveries[0]?.status === 'delivered' ? deliveries : undefined;
    });
    if (delivery === undefined) throw new Error('no delivery');
    expect(sortedKeys(delivery)).toEqual([...WEBHOOK_DELIVERY_FIELDS.required].sort());
    const { id, ...event } = completed;
    expect(delivery).toMatchObject({
      id,
      eventType: 'batch.completed',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: expect.any(String),
      attemptLog: [{ at: expect.any(String), statusCode: 204, error: null, ms: expect.any(Number) }],
      payload: event,
    });
    await expect(embedq.listWebhookDeliveries(created.id, { status: 'pending', limit: 10 })).resolves.toEqual(
      { deliveries: [] },
    );
    expect((await embedq.getWebhook(created.id)).lastSuccessAt).not.toBeNull();

    // Deleting the document: one document.deleted, newest first in the log.
    await embedq.deleteDocument('hooked', { namespace: NAMESPACE });
    const [, deleted] = await verifiedOn('/hook', 2);
    if (deleted?.type !== 'document.deleted') throw new Error(`got ${deleted?.type}`);
    expect(sortedKeys(deleted.data)).toEqual([...DOCUMENT_DELETED_EVENT_DATA_FIELDS.required].sort());
    expect(deleted.data).toEqual({ namespace: NAMESPACE, documentId: 'hooked', deletedChunks: 2 });
    expect(deleted.id).not.toBe(completed.id);
    const latest = await waitFor('the deletion to be recorded as delivered', async () => {
      const { deliveries } = await embedq.listWebhookDeliveries(created.id, { limit: 1 });
      return deliveries[0]?.status === 'delivered' ? deliveries : undefined;
    });
    expect(latest.map((d) => [d.id, d.eventType])).toEqual([[deleted.id, 'document.deleted']]);

    // Every request the receiver got verified.
    expect(receiver.on('/hook').map((r) => r.outcome instanceof WebhookVerificationError)).toEqual([
      false,
      false,
    ]);

    await expect(embedq.deleteWebhook(created.id)).resolves.toBeUndefined();
    const gone = await embedq.getWebhook(created.id).catch((e) => e);
    expect(gone).toBeInstanceOf(EmbedqError);
    expect(gone).toMatchObject({ status: 404, code: 'not_found' });
    await expect(embedq.listWebhookDeliveries(created.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(embedq.deleteWebhook(created.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect((await embedq.listWebhooks({ namespace: NAMESPACE })).webhooks).toEqual([]);
  });

  it("rejects a refused URL with EmbedqError carrying the server's invalid_webhook_url", async () => {
    const error = await client()
      .createWebhook({ namespace: NAMESPACE, url: 'ftp://127.0.0.1/hook', events: ['batch.failed'] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(EmbedqError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_webhook_url',
      message: expect.stringMatching(/must be https/),
    });
  });
});
