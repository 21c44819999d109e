import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** When it arrived (Date.now()). */
  readonly at: number;
  /** The status the receiver answered. */
  readonly status: number;
}

/**
 * A real HTTP endpoint on loopback for webhook deliveries: records every request and answers 204,
 * or 500 where told to fail (the first `n` requests on a path, or all of them). Where told to
 * hold, it answers the requests on a path only once `n` of them have arrived.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly #failures = new Map<string, number>();
  readonly #failWhere = new Map<string, (body: string) => boolean>();
  readonly #holds = new Map<string, { count: number; waiting: (() => void)[] }>();
  #server: Server | undefined;
  #base = '';
  /** Answer each request with 500 with this probability (paths without a rule). */
  failureRate = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        const body = Buffer.concat(chunks).toString('utf8');
        const left = this.#failures.get(path);
        const where = this.#failWhere.get(path);
        const fail =
          where !== undefined
            ? where(body)
            : left === undefined
              ? Math.random() < this.failureRate
              : left > 0;
        if (left !== undefined && left > 0) this.#failures.set(path, left - 1);
        const status = fail ? 500 : 204;
        this.received.push({
          path,
          headers: req.headers,
          body,
          at: Date.now(),
          status,
        });
        const hold = this.#holds.get(path);
        if (hold === undefined) {
          res.writeHead(status).end();
          return;
        }
        hold.waiting.push(() => res.writeHead(status).end());
        if (hold.waiting.length >= hold.count) {
          this.#holds.delete(path);
          for (const answer of hold.waiting) answer();
        }
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.#base}${path}`;
  }

  /** The next `count` requests on `path` get 500 (Infinity: every one). */
  fail(path: string, count = Number.POSITIVE_INFINITY): void {
    this.#failures.set(path, count);
  }

  /** Requests on `path` whose body satisfies `predicate` get 500. */
  failWhere(path: string, predicate: (body: string) => boolean): void {
    this.#failWhere.set(path, predicate);
  }

  /** The requests on `path` are answered only once `count` of them have arrived (then all at once). */
  hold(path: string, count: number): void {
    this.#holds.set(path, { count, waiting: [] });
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

/**
 * Checks a delivery's signature as the Standard Webhooks specification tells receivers to,
 * written here from the specification rather than taken from embedq's signer: HMAC-SHA256 under
 * the base64 key after `whsec_`, over `id.timestamp.body`, compared with each `v1,` entry.
 */
export function verifiesStandardWebhook(secret: string, received: ReceivedWebhook): boolean {
  const id = received.headers['webhook-id'];
  const timestamp = received.headers['webhook-timestamp'];
  const signatures = received.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
    .update(`${id}.${timestamp}.${received.body}`)
    .digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
