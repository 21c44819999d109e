/**
 * The key a request presents: `Authorization: Bearer <key>`, or HTTP Basic with the key as the
 * password (any user name) so a person's browser can open the admin pages. Undefined when the
 * header is missing or malformed.
 */
export function presentedKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization);
  if (match === null) return undefined;
  const [, scheme, value] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() === 'bearer') return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 || colon === decoded.length - 1 ? undefined : decoded.slice(colon + 1);
}
