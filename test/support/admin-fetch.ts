import { TEST_ADMIN_KEY } from './pipeline.js';

/** GET with the admin key (or `authorization`, '' for none), as text: the admin pages are not all JSON. */
export async function adminGet(
  baseUrl: string,
  path: string,
  authorization: string = `Bearer ${TEST_ADMIN_KEY}`,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: authorization === '' ? {} : { authorization },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
