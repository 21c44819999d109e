import { servicesOrSkip } from '../support/services.js';
import { describeSoak } from './soak-run.js';

// Outside CI (about 10 minutes on 2 cores): EMBEDQ_SOAK=1 with REDIS_URL and DATABASE_URL set.
// 50,000 chunks through the whole system with the worker replaced every 10,000, alternately by
// SIGTERM and by SIGKILL; then nothing lost, nothing duplicated, the last worker's RSS within 10%
// of the first one's and each one's within 10% of its own halfway through its 10,000.
// ci-soak.test.ts runs the same code, smaller, in every CI run.
const enabled = process.env.EMBEDQ_SOAK === '1';
const services = enabled ? await servicesOrSkip('soak') : undefined;
if (!enabled) console.warn('[soak] SKIPPED: set EMBEDQ_SOAK=1 to run it (about 10 minutes)');

describeSoak(services, {
  title: 'soak: 50,000 chunks, a worker replaced every 10,000',
  reportFile: 'soak-report.json',
  documents: 100,
  chunksPerDocument: 500,
  stopAt: [10_000, 20_000, 30_000, 40_000, 50_000],
  workerEnv: { JOB_LOCK_MS: '10000', RECONCILE_INTERVAL_MS: '10000' },
  maxRssRatio: 1.1,
  maxRssGrowth: 1.1,
  // A Heroku Basic or Standard-1X dyno's memory.
  maxPeakRssMb: 512,
  timeoutMs: 3_600_000,
});
