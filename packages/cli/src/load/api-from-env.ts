import { ApiClient } from './api-client.js';

/** The key `pnpm start` and docker-compose give the API when API_KEYS is not set. */
export const LOCAL_DEV_KEY = 'local-dev-key';

/**
 * The API a command drives: `--api`, else $EMBEDQ_API_URL, else this machine's $PORT (3000); the
 * Bearer token is $EMBEDQ_API_KEY, else the local development key.
 */
export function apiFromEnv(
  vars: Readonly<Record<string, string | undefined>>,
  apiFlag: string | undefined,
): { readonly api: string; readonly client: ApiClient } {
  const api = apiFlag ?? vars.EMBEDQ_API_URL ?? `http://127.0.0.1:${vars.PORT ?? '3000'}`;
  return { api, client: new ApiClient(api, vars.EMBEDQ_API_KEY ?? LOCAL_DEV_KEY) };
}
