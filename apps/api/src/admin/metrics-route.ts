import type { FastifyInstance } from 'fastify';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** GET /metrics in Prometheus text format; the admin key guards it (auth/route-access.ts). */
export function metricsRoute(app: FastifyInstance, metrics: PrometheusMetrics): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await metrics.scrape();
    return reply.type(metrics.contentType).header('Cache-Control', 'no-store').send(body);
  });
}
