import { isIP } from 'node:net';
import { forbiddenAddressKind } from './address-policy.js';
import { WEBHOOK_LIMITS } from './event-types.js';

export interface WebhookUrlPolicy {
  /** `WEBHOOK_ALLOW_PRIVATE`: private, loopback and link-local targets and plain http allowed (tests, private networks). */
  readonly allowPrivate: boolean;
}

/**
 * Why `raw` cannot be a webhook URL by its text alone, or the parsed URL. A hostname still has
 * to resolve to allowed addresses (`resolveWebhookAddresses`), checked at creation and again
 * on every delivery, since DNS answers change.
 */
export function parseWebhookUrl(raw: string, policy: WebhookUrlPolicy): { url: URL } | { problem: string } {
  if (raw.length > WEBHOOK_LIMITS.urlLength) {
    return { problem: `url is longer than ${WEBHOOK_LIMITS.urlLength} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'url is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `url must be https (got ${url.protocol.slice(0, -1)})` };
  }
  if (url.protocol === 'http:' && !policy.allowPrivate) {
    return { problem: 'url must be https (plain http only with WEBHOOK_ALLOW_PRIVATE=true)' };
  }
  if (url.username !== '' || url.password !== '') {
    return { problem: 'url may not carry a user name or password' };
  }
  if (url.hash !== '') return { problem: 'url may not have a #fragment' };
  const host = hostOf(url);
  if (policy.allowPrivate) return { url };
  if (isIP(host) !== 0) {
    const kind = forbiddenAddressKind(host);
    if (kind !== undefined) return { problem: forbiddenMessage(host, kind) };
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    return { problem: forbiddenMessage(host, 'loopback') };
  }
  return { url };
}

/** The URL's host as an address or a name, without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export function forbiddenMessage(target: string, kind: string): string {
  return `url resolves to a ${kind} address (${target}); webhooks reach public addresses only unless WEBHOOK_ALLOW_PRIVATE=true`;
}
