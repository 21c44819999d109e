import type { ApiKeyGrant } from './interfaces.js';

/** What a namespace may look like (same rule as the REST API's `namespace` field). */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Keys shorter than this are refused: they could be guessed. */
export const MIN_KEY_LENGTH = 12;

/**
 * Parses `API_KEYS`: comma-separated `<key>:<namespace>[;<namespace>...]`, `*` for every
 * namespace. Problems name the entry by position, never by key, so a key cannot leak into logs.
 */
export function parseApiKeys(value: string): { grants: ApiKeyGrant[]; problems: string[] } {
  const grants: ApiKeyGrant[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  value.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const where = `API_KEYS entry ${index + 1}`;
    if (entry === '') return;
    const colon = entry.lastIndexOf(':');
    const key = colon < 0 ? entry : entry.slice(0, colon);
    const scope = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (colon < 0 || scope === '') {
      problems.push(`${where} has no namespaces: write <key>:<namespace>[;<namespace>...] or <key>:*`);
      return;
    }
    if (key.length < MIN_KEY_LENGTH || /\s/.test(key)) {
      problems.push(`${where}: a key needs at least ${MIN_KEY_LENGTH} characters and no spaces`);
      return;
    }
    if (seen.has(key)) {
      problems.push(`${where} repeats an earlier key`);
      return;
    }
    if (scope === '*') {
      seen.add(key);
      grants.push({ key, namespaces: '*' });
      return;
    }
    const namespaces = scope.split(';').map((n) => n.trim());
    const bad = namespaces.filter((n) => !NAMESPACE_PATTERN.test(n));
    if (bad.length > 0) {
      problems.push(`${where} has invalid namespace(s): ${bad.map((n) => `'${n}'`).join(', ')}`);
      return;
    }
    seen.add(key);
    grants.push({ key, namespaces: [...new Set(namespaces)] });
  });
  return { grants, problems };
}
