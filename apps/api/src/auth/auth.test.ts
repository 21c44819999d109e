import { describe, expect, it } from 'vitest';
import { presentedKey } from './credentials.js';
import { KeyRegistry } from './key-registry.js';
import { allowedNamespaces, namespaceFor } from './namespace-scope.js';
import { routeAccess } from './route-access.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('presentedKey', () => {
  it('reads a Bearer token or a Basic password', () => {
    expect(presentedKey('Bearer abc.def')).toBe('abc.def');
    expect(presentedKey('bearer   abc ')).toBe('abc');
    expect(presentedKey(basic('anyone', 'pa:ss'))).toBe('pa:ss');
  });

  it('is undefined for a missing or malformed header', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Token abc',
      'Bearer a b',
      basic('user', ''),
      'Basic Zm9v',
    ]) {
      expect(presentedKey(header)).toBeUndefined();
    }
  });
});

describe('KeyRegistry', () => {
  const registry = new KeyRegistry(
    [
      { key: 'tenant-a-key-123', namespaces: ['acme'] },
      { key: 'ops-key-0000000', namespaces: '*' },
    ],
    'admin-key-0000000',
  );

  it('finds the principal of each key, and nobody for others', () => {
    expect(registry.identify('tenant-a-key-123')).toMatchObject({ kind: 'client', namespaces: ['acme'] });
    expect(registry.identify('ops-key-0000000')).toMatchObject({ kind: 'client', namespaces: '*' });
    expect(registry.identify('admin-key-0000000')).toEqual({ kind: 'admin', id: 'admin' });
    expect(registry.identify('tenant-a-key-12')).toBeUndefined();
    expect(registry.identify('')).toBeUndefined();
  });

  it('names keys in logs by a digest prefix, never by the key', () => {
    const principal = registry.identify('tenant-a-key-123');
    expect(principal?.id).toMatch(/^key:[0-9a-f]{12}$/);
    expect(principal?.id).not.toContain('tenant');
  });

  it('has no admin without ADMIN_API_KEY', () => {
    const noAdmin = new KeyRegistry([{ key: 'tenant-a-key-123', namespaces: '*' }], undefined);
    expect(noAdmin.identify('admin-key-0000000')).toBeUndefined();
  });
});

describe('namespaceFor', () => {
  const only = { kind: 'client', id: 'key:1', namespaces: ['acme'] } as const;
  const two = { kind: 'client', id: 'key:2', namespaces: ['acme', 'beta'] } as const;
  const all = { kind: 'client', id: 'key:3', namespaces: '*' } as const;

  it("defaults to the key's only namespace, else 'default'", () => {
    expect(namespaceFor(only, undefined)).toBe('acme');
    expect(namespaceFor(all, undefined)).toBe('default');
    expect(() => namespaceFor(two, undefined)).toThrow(/namespace 'default'/);
  });

  it('refuses namespaces the key is not bound to', () => {
    expect(namespaceFor(two, 'beta')).toBe('beta');
    expect(namespaceFor(all, 'anything')).toBe('anything');
    expect(() => namespaceFor(only, 'beta')).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('gives the admin key no namespace', () => {
    expect(allowedNamespaces({ kind: 'admin', id: 'admin' })).toEqual([]);
    expect(allowedNamespaces(undefined)).toEqual([]);
  });
});

describe('routeAccess', () => {
  it('guards /v1 with API keys and /admin, /metrics with the admin key', () => {
    expect(routeAccess('/v1/batches', true)).toBe('client');
    expect(routeAccess('/admin/queues/api/queues', true)).toBe('admin');
    expect(routeAccess('/admin', true)).toBe('admin');
    expect(routeAccess('/metrics', true)).toBe('admin');
    expect(routeAccess('/administrator', true)).toBe('client');
  });

  it('leaves health, the OpenAPI document and unknown paths open', () => {
    expect(routeAccess('/healthz', true)).toBe('public');
    expect(routeAccess('/readyz', true)).toBe('public');
    expect(routeAccess('/openapi.json', true)).toBe('public');
    expect(routeAccess('/hirefire/:token/info', true)).toBe('public');
    expect(routeAccess('/nothing-here', false)).toBe('public');
    expect(routeAccess('/admin/nothing-here', false)).toBe('admin');
  });
});
