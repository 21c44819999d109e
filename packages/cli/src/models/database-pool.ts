import { serviceConfigFromEnv } from '@embedq/config';
import { createPool } from '@embedq/store';

/** The pool createPool returns (pg's), without this package depending on pg for its type. */
export type DatabasePool = ReturnType<typeof createPool>;

/** One connection to DATABASE_URL (DATABASE_SSL), as `embedq migrate` opens it: these commands run one statement at a time. */
export function databasePool(
  vars: Readonly<Record<string, string | undefined>>,
  applicationName: string,
): DatabasePool {
  const services = serviceConfigFromEnv(vars);
  return createPool({ url: services.databaseUrl, ssl: services.databaseSsl, max: 1, applicationName });
}
