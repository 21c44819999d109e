import { ApiError } from '../api-error.js';
import type { Principal } from './key-registry.js';

export const DEFAULT_NAMESPACE = 'default';

/**
 * The namespace a request works in: the one it names, else the key's only namespace, else
 * `default`. A key bound to other namespaces gets 403.
 */
export function namespaceFor(principal: Principal | undefined, requested: string | undefined): string {
  const namespaces = allowedNamespaces(principal);
  const namespace =
    requested ??
    (namespaces !== '*' && namespaces.length === 1 ? namespaces[0] : undefined) ??
    DEFAULT_NAMESPACE;
  if (namespaces !== '*' && !namespaces.includes(namespace)) {
    throw new ApiError('forbidden', `this key may not use namespace '${namespace}'`);
  }
  return namespace;
}

/** Every namespace the request's key may read; the admin key reads none through /v1. */
export function allowedNamespaces(principal: Principal | undefined): readonly string[] | '*' {
  return principal?.kind === 'client' ? principal.namespaces : [];
}
