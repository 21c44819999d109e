import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type HostLookup, resolveWebhookAddresses } from './resolve-webhook-addresses.js';
import { hostOf, parseWebhookUrl, type WebhookUrlPolicy } from './webhook-url.js';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly policy: WebhookUrlPolicy;
  /** Connect, send and the whole answer within this; default 5 s. */
  readonly timeoutMs?: number;
  /** Bytes of the answer read before the connection is dropped; default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** Default: the system resolver. */
  readonly lookupHost?: HostLookup;
}

/** One attempt: `ok` for a 2xx answer; anything else (3xx included: redirects are not followed) is a failure. */
export interface AttemptOutcome {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly ms: number;
}

/**
 * POSTs one delivery. The connection goes only to addresses the policy allows, checked in the
 * lookup the socket connects with, so a DNS answer that changed since the webhook was created
 * (DNS rebinding) cannot slip past the check. Never throws.
 */
export function sendWebhook(request: WebhookRequest): Promise<AttemptOutcome> {
  const started = performance.now();
  const timeoutMs = request.timeoutMs ?? 5_000;
  const maxBytes = request.maxResponseBytes ?? 65_536;
  const outcome = (statusCode: number | null, error: string | null): AttemptOutcome => ({
    ok: statusCode !== null && statusCode >= 200 && statusCode < 300 && error === null,
    statusCode,
    error,
    ms: Math.round(performance.now() - started),
  });

  const parsed = parseWebhookUrl(request.url, request.policy);
  if ('problem' in parsed) return Promise.resolve(outcome(null, parsed.problem));
  const url = parsed.url;

  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (result: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const lookup: LookupFunction = (hostname, options, callback) => {
      resolveWebhookAddresses(hostname, request.policy, request.lookupHost).then(
        (addresses) => {
          const first = addresses[0];
          if (options.all === true) callback(null, [...addresses]);
          else if (first !== undefined) callback(null, first.address, first.family);
        },
        (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
      );
    };
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup,
      // A fresh connection each time: a pooled one was checked against an older DNS answer.
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(outcome(null, `no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => finish(outcome(null, error.message)));
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // The status is what counts; an endless answer only costs up to the cap.
        if (bytes > maxBytes) {
          res.destroy();
          finish(outcome(res.statusCode ?? null, null));
        }
      });
      res.on('end', () => finish(outcome(res.statusCode ?? null, null)));
      res.on('error', () => finish(outcome(res.statusCode ?? null, null)));
    });
    // An IP literal never goes through lookup: it is checked here.
    const host = hostOf(url);
    if (isIP(host) === 0) {
      req.end(request.body);
    } else {
      resolveWebhookAddresses(host, request.policy).then(
        () => req.end(request.body),
        (error: Error) => {
          req.destroy();
          finish(outcome(null, error.message));
        },
      );
    }
  });
}
