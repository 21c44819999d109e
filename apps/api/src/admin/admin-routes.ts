import { MetricsPublisher, MetricsReader } from '@embedq/queue';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import { BULL_BOARD_PATH, registerBullBoard } from './bull-board.js';
import { dashboardRoutes } from './dashboard-route.js';
import type { FleetSources } from './fleet-data.js';
import { hirefireRoute } from './hirefire-route.js';
import { metricsRoute } from './metrics-route.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';
import { reembeddingRoutes } from './reembedding-routes.js';

/**
 * The operators' side of the API: Bull Board at /admin/queues, the dashboard at
 * /admin/dashboard and Prometheus metrics at /metrics, all behind the admin key, and, when
 * HIREFIRE_TOKEN is set, HireFire's checkup path (its token in the path). The fleet's metrics
 * are read from Redis on the producer's connection.
 */
export async function adminRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const prefix = deps.config.services.queuePrefix;
  const redis = deps.producer.redis;
  const sources: FleetSources = {
    reader: new MetricsReader(redis, prefix),
    publisher: new MetricsPublisher(redis, prefix),
    queues: deps.producer.queues,
    redis,
    db: deps.pool,
    target: deps.config.throughputTarget,
    planner: deps.config.planner,
    bullBoardPath: BULL_BOARD_PATH,
  };
  await registerBullBoard(app, deps.producer.queues);
  dashboardRoutes(app, sources);
  metricsRoute(app, createPrometheusMetrics(sources));
  reembeddingRoutes(app, deps);
  const token = deps.config.hirefireToken;
  if (token !== undefined) hirefireRoute(app, { redis, queues: deps.producer.queues, token });
}
