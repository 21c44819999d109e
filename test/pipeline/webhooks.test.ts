import { workerConfigFromEnv } from '@embedq/config';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { reconcileWebhooks, WebhookQueue } from '@embedq/queue';
import { deleteDocument } from '@embedq/store';
import { deliverWebhook } from '@embedq/worker';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Pipeline, startPipeline, TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';
import { waitFor } from '../support/wait-for.js';
import {
  type ReceivedWebhook,
  verifiesStandardWebhook,
  WebhookReceiver,
} from '../support/webhook-receiver.js';

// Webhooks end to end: registered through the API, decided by the worker that finishes a batch
// (or the API that deletes a document), delivered by the worker's delivery queue to a real HTTP
// endpoint, signed per Standard Webhooks, retried, given up, and recovered by the reconciler.

const services = await servicesOrSkip('webhooks');

const POISON = 'POISON-webhook-7d1e';
const TENANT_KEY = 'tenant-b-key-00000000';
/** Retries 0.2 s apart: three retries, four attempts in all. */
const RETRY_DELAYS = '0.2,0.2,0.2';

/** Texts carrying POISON fail their job for good on the first attempt. */
function poisonable(inner: Embedder): Embedder {
  return {
    dimensions: inner.dimensions,
    precision: inner.precision,
    engine: inner.engine,
    countWordPieces: (text) => inner.countWordPieces(text),
    embed: async (texts, options) => {
      if (texts.some((text) => text.includes(POISON))) throw new UnrecoverableError(`refused ${POISON}`);
      return inner.embed(texts, options);
    },
    embedStream: (texts, options) => inner.embedStream(texts, options),
    close: () => inner.close(),
  };
}

describe.skipIf(services === undefined)('webhooks', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    if (services === undefined) return;
    await receiver.start();
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, poisonable(embedder), {
      env: {
        API_KEYS: `${TEST_API_KEY}:*,${TENANT_KEY}:tenant-b`,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_DELAYS: RETRY_DELAYS,
        // The reconciler runs only where a test calls it.
        RECONCILE_INTERVAL_MS: '0',
      },
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
    await receiver.close();
  });

  const register = async (namespace: string, path: string, events: string[]) => {
    const response = await call(pipeline.baseUrl, 'POST', '/v1/webhooks', {
      namespace,
      url: receiver.url(path),
      events,
    });
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  };

  const submit = async (namespace: string, documentId: string, texts: string[]): Promise<string> => {
    const response = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace,
      documentId,
      chunks: texts.map((text) => ({ text })),
    });
    expect(response.status).toBe(202);
    return response.body.batchId as string;
  };

  const deliveries = async (webhookId: string) => {
    const response = await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=500`);
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: tests check response bodies field by field
    return response.body.deliveries as any[];
  };

  const settledDelivery = (webhookId: string, count = 1) =>
    waitFor(`${count} settled deliveries of webhook ${webhookId}`, async () => {
      const all = await deliveries(webhookId);
      return all.length >= count && all.every((d) => d.status !== 'pending') ? all : undefined;
    });

  const receivedOn = (path: string, count = 1): Promise<ReceivedWebhook[]> =>
    waitFor(`${count} requests on ${path}`, async () => {
      const got = receiver.on(path);
      return got.length >= count ? got : undefined;
    });

  it('registers a webhook: 201 with its secret shown once, then listed and read without it', async () => {
    const response = await call(pipeline.baseUrl, 'POST', '/v1/webhooks', {
      namespace: 'hooks-register',
      url: receiver.url('/register'),
      events: ['batch.completed', 'document.deleted'],
      description: 'search index refresh',
    });
    expect(response.status).toBe(201);
    expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(response.headers.get('location')).toBe(`/v1/webhooks/${response.body.id}`);
    const { secret, ...shown } = response.body;
    expect(shown).toMatchObject({
      namespace: 'hooks-register',
      url: receiver.url('/register'),
      events: ['batch.completed', 'document.deleted'],
      description: 'search index refresh',
      enabled: true,
      lastSuccessAt: null,
      disabledAt: null,
      disabledReason: null,
    });

    const read = await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${shown.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(shown);
    const listed = await call(pipeline.baseUrl, 'GET', '/v1/webhooks?namespace=hooks-register');
    expect(listed.body).toEqual({ webhooks: [shown] });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it('batch.completed: one delivery per subscribed webhook, signed per Standard Webhooks, with the batch counts', async () => {
    const namespace = 'hooks-completed';
    const hook = await register(namespace, '/completed', ['batch.completed']);
    const deletesOnly = await register(namespace, '/completed-deletes-only', ['document.deleted']);
    const elsewhere = await register('hooks-elsewhere', '/completed-elsewhere', ['batch.completed']);
    const batchId = await submit(namespace, 'paper-1', [
      'Mean pooling averages the token embeddings under the attention mask.',
      'Photosynthesis converts light energy into chemical energy.',
    ]);

    const [got] = await receivedOn('/completed');
    if (got === undefined) throw new Error('no delivery');
    expect(verifiesStandardWebhook(hook.secret, got)).toBe(true);
    expect(verifiesStandardWebhook(deletesOnly.secret, got)).toBe(false);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1_000)).toBeLessThan(60);
    const body = JSON.parse(got.body);
    const progress = (await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`)).body;
    expect(body).toEqual({
      type: 'batch.completed',
      timestamp: expect.any(String),
      data: {
        batchId,
        namespace,
        documentId: 'paper-1',
        kind: 'chunks',
        status: 'completed',
        total: 2,
        embedded: 2,
        failed: 0,
        reused: 0,
        enqueuedAt: expect.any(String),
        completedAt: expect.any(String),
      },
    });
    expect(progress).toMatchObject({ status: 'completed', embedded: 2 });
    expect(Date.parse(body.data.completedAt)).toBe(Date.parse(progress.completedAt));

    const [delivery] = await settledDelivery(hook.id);
    expect(delivery).toMatchObject({
      id: got.headers['webhook-id'],
      eventType: 'batch.completed',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      payload: body,
    });
    expect(delivery.attemptLog).toEqual([
      { at: expect.any(String), statusCode: 204, error: null, ms: expect.any(Number) },
    ]);
    expect(
      (await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${hook.id}`)).body.lastSuccessAt,
    ).not.toBeNull();
    // Rows for every subscriber are written in the statement that decided the event, so these
    // are final: the unsubscribed and the other namespace's webhooks got none.
    expect(await deliveries(deletesOnly.id)).toEqual([]);
    expect(await deliveries(elsewhere.id)).toEqual([]);
    expect(receiver.on('/completed')).toHaveLength(1);
  });

  it('batch.failed when a job fails for good, with the failed count', async () => {
    const namespace = 'hooks-failed';
    const hook = await register(namespace, '/failed', ['batch.completed', 'batch.failed']);
    const batchId = await submit(namespace, 'poisoned', [`a text the embedder refuses ${POISON}`]);
    const [got] = await receivedOn('/failed');
    expect(got !== undefined && verifiesStandardWebhook(hook.secret, got)).toBe(true);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({
      type: 'batch.failed',
      data: { batchId, status: 'failed', total: 1, embedded: 0, failed: 1 },
    });
  });

  it('document.deleted when a document is deleted', async () => {
    const namespace = 'hooks-deleted';
    const hook = await register(namespace, '/deleted', ['document.deleted']);
    const batchId = await submit(namespace, 'to-delete', ['Graphene is a single layer of carbon atoms.']);
    await waitFor('the batch to complete', async () => {
      const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
      return progress.body.status === 'completed' ? true : undefined;
    });
    const deleted = await call(pipeline.baseUrl, 'DELETE', `/v1/documents/to-delete?namespace=${namespace}`);
    expect(deleted.status).toBe(200);
    const [got] = await receivedOn('/deleted');
    expect(got !== undefined && verifiesStandardWebhook(hook.secret, got)).toBe(true);
    expect(JSON.parse(got?.body ?? '{}')).toEqual({
      type: 'document.deleted',
      timestamp: expect.any(String),
      data: { namespace, documentId: 'to-delete', deletedChunks: 1 },
    });
    // Deleting it again finds nothing, and sends nothing.
    expect(
      (await call(pipeline.baseUrl, 'DELETE', `/v1/documents/to-delete?namespace=${namespace}`)).status,
    ).toBe(404);
    expect(await deliveries(hook.id)).toHaveLength(1);
  });

  it('retries a failing endpoint with the same webhook-id until it answers 2xx', async () => {
    const namespace = 'hooks-retry';
    receiver.fail('/retry', 2);
    const hook = await register(namespace, '/retry', ['batch.completed']);
    await submit(namespace, 'retried', ['CRISPR-Cas9 cuts DNA at a site chosen by a guide RNA.']);
    const attempts = await receivedOn('/retry', 3);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 204]);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    for (const attempt of attempts) expect(verifiesStandardWebhook(hook.secret, attempt)).toBe(true);
    // The schedule's 0.2 s between attempts, at least.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(150);

    const [delivery] = await settledDelivery(hook.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
    expect(delivery.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 204]);
    expect((await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${hook.id}`)).body.enabled).toBe(true);
  });

  it('gives a delivery up after the last retry and disables a webhook that never answered', async () => {
    const namespace = 'hooks-dead';
    receiver.fail('/dead');
    const hook = await register(namespace, '/dead', ['batch.completed']);
    await submit(namespace, 'unheard', ['The Higgs boson was observed in 2012.']);
    const [delivery] = await settledDelivery(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 500 });
    expect(receiver.on('/dead')).toHaveLength(4);
    const webhook = (await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${hook.id}`)).body;
    expect(webhook).toMatchObject({ enabled: false, disabledAt: expect.any(String) });
    expect(webhook.disabledReason).toMatch(/failed through every retry \(4 attempts\).*HTTP 500/);

    // A disabled webhook gets no new deliveries.
    const next = await submit(namespace, 'unheard-2', ['Another text for a disabled webhook.']);
    await waitFor('the second batch to complete', async () => {
      const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${next}`);
      return progress.body.status === 'completed' ? true : undefined;
    });
    expect(await deliveries(hook.id)).toHaveLength(1);

    // Sent again: refused while the webhook is disabled, then, enabled and with the endpoint
    // answering, the given-up delivery goes out once more under its own webhook-id.
    const retry = `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`;
    const refused = await call(pipeline.baseUrl, 'POST', retry);
    expect([refused.status, refused.body.error.code]).toEqual([422, 'delivery_not_retryable']);
    expect(refused.body.error.message).toMatch(/is disabled: enable it first/);
    receiver.fail('/dead', 0);
    const enabled = await call(pipeline.baseUrl, 'POST', `/v1/webhooks/${hook.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    const retried = await call(pipeline.baseUrl, 'POST', retry);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: delivery.id, status: 'pending', attempts: 4 });
    const [again] = await settledDelivery(hook.id);
    expect(again).toMatchObject({ id: delivery.id, status: 'delivered', attempts: 5, lastStatusCode: 204 });
    const requests = receiver.on('/dead');
    expect(requests).toHaveLength(5);
    expect(requests[4]?.headers['webhook-id']).toBe(delivery.id);
    expect(verifiesStandardWebhook(hook.secret, requests[4] as ReceivedWebhook)).toBe(true);
    // A delivered one, or one that is not there, is not sent again.
    const twice = await call(pipeline.baseUrl, 'POST', retry);
    expect([twice.status, twice.body.error.code]).toEqual([422, 'delivery_not_retryable']);
    const unknown = await call(pipeline.baseUrl, 'POST', `/v1/webhooks/${hook.id}/deliveries/msg_0/retry`);
    expect(unknown.status).toBe(404);
  });

  it('a delivery given up does not disable a webhook that answered another delivery since', async () => {
    const namespace = 'hooks-alive';
    const hook = await register(namespace, '/alive', ['document.deleted']);
    // The endpoint refuses the deletion of 'a' every time and takes everything else.
    receiver.failWhere('/alive', (body) => JSON.parse(body).data.documentId === 'a');
    for (const documentId of ['a', 'b']) {
      const batchId = await submit(namespace, documentId, [`text of ${documentId}`]);
      await waitFor(`batch ${documentId} to complete`, async () => {
        const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
        return progress.body.status === 'completed' ? true : undefined;
      });
    }
    // 'b' is deleted (and delivered) while 'a' is still being retried, 0.2 s apart.
    await call(pipeline.baseUrl, 'DELETE', `/v1/documents/a?namespace=${namespace}`);
    await call(pipeline.baseUrl, 'DELETE', `/v1/documents/b?namespace=${namespace}`);
    const settled = await settledDelivery(hook.id, 2);
    const byDocument = (id: string) => settled.find((d) => d.payload.data.documentId === id);
    expect(byDocument('a')).toMatchObject({ status: 'failed', attempts: 4 });
    expect(byDocument('b')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(Date.parse(byDocument('b').deliveredAt)).toBeGreaterThan(Date.parse(byDocument('a').createdAt));
    expect((await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${hook.id}`)).body).toMatchObject({
      enabled: true,
      disabledReason: null,
    });
  });

  it('the reconciler decides events and queues attempts whose jobs were lost', async () => {
    const namespace = 'hooks-reconcile';
    const hook = await register(namespace, '/reconcile', ['batch.completed', 'document.deleted']);
    const batchId = await submit(namespace, 'kept', ['Enzymes lower the activation energy of reactions.']);
    await receivedOn('/reconcile');
    // A worker that died after writing the last vector and before deciding: no event, no row.
    await pipeline.db.pool.query('UPDATE batches SET finished_event_at = NULL WHERE id = $1', [batchId]);
    await pipeline.db.pool.query('DELETE FROM webhook_deliveries WHERE webhook_id = $1', [hook.id]);
    // An API that deleted a document and lost Redis before queueing: a row with no job.
    await submit(namespace, 'gone', ['A text to delete.']);
    const deleted = await deleteDocument(pipeline.db.pool, namespace, 'gone');
    expect(deleted.deliveryIds).toHaveLength(1);

    const queue = new WebhookQueue(pipeline.api.producer.redis, pipeline.env.QUEUE_PREFIX);
    try {
      const report = await reconcileWebhooks(pipeline.db.pool, queue, { graceSeconds: 0 });
      expect(report.batchesDecided).toBeGreaterThanOrEqual(1);
      expect(report.attemptsRequeued).toBeGreaterThanOrEqual(1);
      const got = await receivedOn('/reconcile', 3);
      const types = got.slice(1).map((r) => JSON.parse(r.body).type);
      expect(types.sort()).toEqual(['batch.completed', 'document.deleted']);
      // A second pass finds nothing left: each event is decided once.
      const again = await reconcileWebhooks(pipeline.db.pool, queue, { graceSeconds: 0 });
      expect(again.batchesDecided).toBe(0);
      await settledDelivery(hook.id, 2);
      expect(receiver.on('/reconcile')).toHaveLength(3);
    } finally {
      await queue.close();
    }
  });

  it('two runs of one attempt at once (a re-run, a re-added job) record it once; a run after it sends nothing', async () => {
    const namespace = 'hooks-twice';
    const hook = await register(namespace, '/twice', ['document.deleted']);
    const batchId = await submit(namespace, 'twice', ['Mitochondria make most of the cell’s ATP.']);
    await waitFor('the batch to complete', async () => {
      const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
      return progress.body.status === 'completed' ? true : undefined;
    });
    // Decided with no job queued (as after a lost Redis): only the runs below attempt it.
    const deleted = await deleteDocument(pipeline.db.pool, namespace, 'twice');
    expect(deleted.deliveryIds).toHaveLength(1);
    const deliveryId = deleted.deliveryIds[0] as string;

    const queue = new WebhookQueue(pipeline.api.producer.redis, pipeline.env.QUEUE_PREFIX);
    try {
      const deps = {
        db: pipeline.db.pool,
        webhooks: queue,
        config: workerConfigFromEnv(pipeline.env).webhooks,
      };
      // Both runs have read the delivery as due and sent it before either records: the endpoint
      // answers only once both requests are in.
      receiver.hold('/twice', 2);
      const runs = await Promise.all([
        deliverWebhook(deps, { deliveryId, attempt: 1 }),
        deliverWebhook(deps, { deliveryId, attempt: 1 }),
      ]);
      const got = receiver.on('/twice');
      expect(got).toHaveLength(2);
      expect(got.map((r) => r.headers['webhook-id'])).toEqual([deliveryId, deliveryId]);
      expect(got[0]?.body).toBe(got[1]?.body);
      // Sent twice (at least once, as receivers are told to expect), recorded once.
      expect(runs.map((r) => r.action).sort()).toEqual(['sent', 'skipped']);
      const [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({
        id: deliveryId,
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
      });
      expect(delivery.attemptLog).toHaveLength(1);

      // A run of the same attempt once it is recorded (a job re-added late) neither sends nor records:
      // after the delivery succeeded, and while it is still pending after a failed first attempt.
      expect(await deliverWebhook(deps, { deliveryId, attempt: 1 })).toMatchObject({ action: 'skipped' });
      expect(receiver.on('/twice')).toHaveLength(2);
      expect((await deliveries(hook.id))[0].attemptLog).toHaveLength(1);

      const second = await submit(namespace, 'twice-2', ['Ribosomes translate messenger RNA into protein.']);
      await waitFor('the second batch to complete', async () => {
        const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${second}`);
        return progress.body.status === 'completed' ? true : undefined;
      });
      const pendingId = (await deleteDocument(pipeline.db.pool, namespace, 'twice-2'))
        .deliveryIds[0] as string;
      // Its second attempt due in a minute, so the delivery stays pending through the late run.
      const slow = { ...deps, config: { ...deps.config, retryDelaysSeconds: [60] } };
      receiver.fail('/twice', 1);
      expect(await deliverWebhook(slow, { deliveryId: pendingId, attempt: 1 })).toMatchObject({
        action: 'sent',
        outcome: { ok: false, statusCode: 500 },
        retryInMs: 60_000,
      });
      expect(await deliverWebhook(slow, { deliveryId: pendingId, attempt: 1 })).toMatchObject({
        action: 'skipped',
      });
      expect(receiver.on('/twice')).toHaveLength(3);
      const pending = (await deliveries(hook.id)).find((d) => d.id === pendingId);
      expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
      expect(pending.attemptLog).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });

  it('deleting a webhook removes it and its log', async () => {
    const hook = await register('hooks-remove', '/remove', ['batch.completed']);
    expect((await call(pipeline.baseUrl, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    for (const path of [`/v1/webhooks/${hook.id}`, `/v1/webhooks/${hook.id}/deliveries`]) {
      const response = await call(pipeline.baseUrl, 'GET', path);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    expect((await call(pipeline.baseUrl, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
  });

  describe('bad input', () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      call(pipeline.baseUrl, 'POST', '/v1/webhooks', body, headers);

    const HOOK = 'https://example.com/x';
    it.each([
      [
        'a malformed URL',
        { url: 'not a url', events: ['batch.completed'] },
        'invalid_webhook_url',
        /not an absolute URL/,
      ],
      [
        'an ftp URL',
        { url: 'ftp://127.0.0.1/x', events: ['batch.completed'] },
        'invalid_webhook_url',
        /must be https \(got ftp\)/,
      ],
      [
        'a URL with credentials',
        { url: 'https://user:pw@127.0.0.1/x', events: ['batch.completed'] },
        'invalid_webhook_url',
        /user name or password/,
      ],
      [
        'a URL over 2,048 characters',
        { url: `${HOOK}/${'a'.repeat(2_040)}`, events: ['batch.completed'] },
        'validation_failed',
        /url/,
      ],
      ['an unknown event', { url: HOOK, events: ['batch.started'] }, 'validation_failed', /events/],
      ['no events', { url: HOOK, events: [] }, 'validation_failed', /events/],
      [
        'an event twice',
        { url: HOOK, events: ['batch.failed', 'batch.failed'] },
        'validation_failed',
        /events/,
      ],
      ['a missing events list', { url: HOOK }, 'validation_failed', /events/],
      [
        'a host that does not resolve',
        { url: 'https://no-such-host.invalid/x', events: ['batch.failed'] },
        'invalid_webhook_url',
        /does not resolve/,
      ],
    ])('refuses %s', async (_label, body, code, message) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toMatch(message);
    });

    it('refuses a 21st webhook in a namespace', async () => {
      for (let i = 0; i < 20; i++) {
        const response = await post({
          namespace: 'hooks-full',
          url: receiver.url(`/full-${i}`),
          events: ['batch.failed'],
        });
        expect(response.status).toBe(201);
      }
      const response = await post({
        namespace: 'hooks-full',
        url: receiver.url('/full-20'),
        events: ['batch.failed'],
      });
      expect(response.status).toBe(422);
      expect(response.body.error).toEqual({
        code: 'too_many_webhooks',
        message: "namespace 'hooks-full' has 20 webhooks, the most it may; delete one first",
      });
    });

    it("keeps a key to its namespaces: another namespace's webhook is not found", async () => {
      const hook = await register('hooks-private-to-all', '/mine', ['batch.completed']);
      const auth = { authorization: `Bearer ${TENANT_KEY}` };
      expect((await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${hook.id}`, undefined, auth)).status).toBe(
        404,
      );
      expect(
        (await call(pipeline.baseUrl, 'DELETE', `/v1/webhooks/${hook.id}`, undefined, auth)).status,
      ).toBe(404);
      expect((await call(pipeline.baseUrl, 'GET', '/v1/webhooks', undefined, auth)).body).toEqual({
        webhooks: [],
      });
      const foreign = await post(
        { namespace: 'hooks-x', url: receiver.url('/x'), events: ['batch.failed'] },
        auth,
      );
      expect(foreign.status).toBe(403);
      expect((await call(pipeline.baseUrl, 'GET', '/v1/webhooks/not-a-uuid')).status).toBe(404);
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'status=lost']) {
        const answer = await call(pipeline.baseUrl, 'GET', `/v1/webhooks/${hook.id}/deliveries?${query}`);
        expect(answer.status, query).toBe(400);
        expect(answer.body.error.code).toBe('validation_failed');
      }
    });
  });
});

describe.skipIf(services === undefined)('webhook URLs without WEBHOOK_ALLOW_PRIVATE', () => {
  const fixture = usePipeline(services, { worker: false });

  it.each([
    ['http://example.com/hook', /must be https/],
    ['https://127.0.0.1/hook', /loopback address/],
    ['https://localhost/hook', /loopback address/],
    ['https://10.1.2.3/hook', /private address/],
    ['https://169.254.169.254/latest/meta-data/', /metadata address/],
    ['https://[fd00:ec2::254]/', /metadata address/],
    ['https://[::ffff:192.168.0.1]/hook', /private address/],
  ])('refuses %s', async (url, message) => {
    const response = await call(fixture.pipeline.baseUrl, 'POST', '/v1/webhooks', {
      url,
      events: ['batch.completed'],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_webhook_url');
    expect(response.body.error.message).toMatch(message);
  });
});
