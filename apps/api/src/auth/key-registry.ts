import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyGrant } from '@embedq/config';

/** Who a request is, once its key is known. `id` names the key in logs and rate limits without revealing it. */
export type Principal =
  | { readonly kind: 'client'; readonly id: string; readonly namespaces: readonly string[] | '*' }
  | { readonly kind: 'admin'; readonly id: 'admin' };

interface StoredKey {
  readonly digest: Buffer;
  readonly principal: Principal;
}

const digestOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * The keys the API accepts, kept only as SHA-256 digests. A presented key is hashed and compared
 * with every stored digest in constant time, so neither timing nor an early exit tells an
 * attacker how close a guess came.
 */
export class KeyRegistry {
  readonly #keys: StoredKey[];

  constructor(grants: readonly ApiKeyGrant[], adminKey: string | undefined) {
    this.#keys = grants.map((grant) => {
      const digest = digestOf(grant.key);
      return {
        digest,
        principal: {
          kind: 'client',
          id: `key:${digest.toString('hex').slice(0, 12)}`,
          namespaces: grant.namespaces,
        },
      };
    });
    if (adminKey !== undefined)
      this.#keys.push({ digest: digestOf(adminKey), principal: { kind: 'admin', id: 'admin' } });
  }

  /** The principal holding `key`, or undefined for an unknown key. */
  identify(key: string): Principal | undefined {
    const digest = digestOf(key);
    let found: Principal | undefined;
    for (const stored of this.#keys) {
      if (timingSafeEqual(stored.digest, digest)) found = stored.principal;
    }
    return found;
  }
}
