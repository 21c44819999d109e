import { servicesOrSkip } from '../support/services.js';
import { describeSoak } from './soak-run.js';

// The long soak (soak.test.ts, EMBEDQ_SOAK=1, about 10 minutes) made small enough for every CI
// run: 10,000 chunks, the worker replaced twice, first by SIGTERM, then by SIGKILL (its jobs
// come back when their 5 s locks expire), the third running to the end. Under a minute on
// 2 cores (42-54 s, 2026-12-07).
const services = await servicesOrSkip('CI soak');

describeSoak(services, {
  title: 'CI soak: 10,000 chunks, the worker replaced by SIGTERM and by SIGKILL',
  reportFile: 'ci-soak-report.json',
  documents: 20,
  chunksPerDocument: 500,
  stopAt: [3_400, 6_700, 10_000],
  workerEnv: { JOB_LOCK_MS: '5000', RECONCILE_INTERVAL_MS: '10000' },
  maxRssRatio: 1.1,
  maxRssGrowth: 1.1,
  // A Heroku Basic or Standard-1X dyno's memory.
  maxPeakRssMb: 512,
  timeoutMs: 600_000,
});
