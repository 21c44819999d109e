const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a path id can name a row keyed by a uuid: anything else is simply not found (Postgres
 * would refuse it in a uuid comparison with an error, not an empty answer).
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
