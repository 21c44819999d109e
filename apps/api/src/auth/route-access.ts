/** Who may call a route: anyone (health, the OpenAPI document), holders of an API key, or the admin. */
export type RouteAccess = 'public' | 'client' | 'admin';

/** HireFire's path carries its own credential, checked by its handler (admin/hirefire-route.ts). */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/openapi.json', '/hirefire/:token/info']);

/**
 * By path, so routes that plugins add (Bull Board under /admin/queues) are covered without
 * anyone remembering to mark them. Paths no route matches are public: they answer 404.
 */
export function routeAccess(path: string, matched: boolean): RouteAccess {
  if (path === '/metrics' || path === '/admin' || path.startsWith('/admin/')) return 'admin';
  if (!matched || PUBLIC_PATHS.has(path)) return 'public';
  return 'client';
}
