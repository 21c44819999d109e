import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { forbiddenAddressKind } from './address-policy.js';
import { forbiddenMessage, type WebhookUrlPolicy } from './webhook-url.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** A host that resolves to nothing, or to an address webhooks may not reach. */
/** How a host name becomes addresses; default: the system resolver (dns.lookup). */
export type HostLookup = (host: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: HostLookup = async (host) => {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export class WebhookAddressError extends Error {
  override readonly name = 'WebhookAddressError';
}

/**
 * Every address `host` resolves to, all of them allowed by the policy; throws a
 * WebhookAddressError otherwise. One forbidden address refuses the host: a name that answers
 * with public and private addresses is a way around the policy.
 */
export async function resolveWebhookAddresses(
  host: string,
  policy: WebhookUrlPolicy,
  lookupHost: HostLookup = systemLookup,
): Promise<readonly ResolvedAddress[]> {
  let addresses: readonly ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 4 ? 4 : 6 }];
  } else {
    try {
      addresses = await lookupHost(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
      throw new WebhookAddressError(`url host '${host}' does not resolve (${code})`);
    }
  }
  if (addresses.length === 0) throw new WebhookAddressError(`url host '${host}' does not resolve`);
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const kind = forbiddenAddressKind(address);
      if (kind !== undefined) throw new WebhookAddressError(forbiddenMessage(`${host} -> ${address}`, kind));
    }
  }
  return addresses;
}
