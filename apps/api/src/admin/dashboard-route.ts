import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildSnapshot } from './build-snapshot.js';
import type { DashboardSnapshot } from './dashboard/snapshot.js';
import { type FleetSources, readFleetData } from './fleet-data.js';

export const DASHBOARD_PATH = '/admin/dashboard';
const DEFAULT_WINDOW_SECONDS = 900;
const MAX_WINDOW_SECONDS = 3_600;
const MIN_WINDOW_SECONDS = 60;
/** Viewers polling within this long share one snapshot, so ten open tabs cost what one does. */
const SNAPSHOT_CACHE_MS = 1_000;

/** The page may load only its own files and data: nothing from the internet, no inline script. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly type: string;
  readonly body: string;
}

/**
 * The page's files, read once: the HTML and CSS from apps/api/assets/dashboard, and the scripts
 * tsc compiled from src/admin/dashboard (plain ES modules the browser loads as they are).
 */
function loadAssets(): { page: string; assets: ReadonlyMap<string, Asset> } {
  const staticDir = new URL('../../assets/dashboard/', import.meta.url);
  const scriptDir = new URL('./dashboard/', import.meta.url);
  const assets = new Map<string, Asset>();
  assets.set('dashboard.css', {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('dashboard.css', staticDir), 'utf8'),
  });
  for (const file of readdirSync(scriptDir)) {
    if (!file.endsWith('.js')) continue;
    assets.set(file, {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(new URL(file, scriptDir), 'utf8'),
    });
  }
  return { page: readFileSync(new URL('index.html', staticDir), 'utf8'), assets };
}

function windowOf(query: unknown): number {
  const raw = Number((query as { window?: unknown }).window);
  if (!Number.isFinite(raw)) return DEFAULT_WINDOW_SECONDS;
  return Math.min(MAX_WINDOW_SECONDS, Math.max(MIN_WINDOW_SECONDS, Math.round(raw)));
}

/** GET /admin/dashboard (the page), its assets, and the snapshot it polls. Admin only, by path. */
export function dashboardRoutes(app: FastifyInstance, sources: FleetSources): void {
  const { page, assets } = loadAssets();
  const cache = new Map<number, { at: number; snapshot: Promise<DashboardSnapshot> }>();

  const snapshotFor = (windowSeconds: number): Promise<DashboardSnapshot> => {
    const cached = cache.get(windowSeconds);
    if (cached !== undefined && Date.now() - cached.at < SNAPSHOT_CACHE_MS) return cached.snapshot;
    const snapshot = readFleetData(sources, windowSeconds).then(buildSnapshot);
    cache.set(windowSeconds, { at: Date.now(), snapshot });
    // A failed read is not served to the next viewer.
    snapshot.catch(() => {
      if (cache.get(windowSeconds)?.snapshot === snapshot) cache.delete(windowSeconds);
    });
    return snapshot;
  };

  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect(DASHBOARD_PATH));

  app.get(DASHBOARD_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .header('Cache-Control', 'no-store')
      .send(page),
  );

  app.get<{ Params: { file: string } }>(
    `${DASHBOARD_PATH}/assets/:file`,
    { schema: { hide: true } },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (asset === undefined) return reply.callNotFound();
      return reply.type(asset.type).header('Cache-Control', 'no-cache').send(asset.body);
    },
  );

  app.get(`${DASHBOARD_PATH}/snapshot.json`, { schema: { hide: true } }, async (request, reply) => {
    const snapshot = await snapshotFor(windowOf(request.query));
    return reply.header('Cache-Control', 'no-store').send(snapshot);
  });
}
