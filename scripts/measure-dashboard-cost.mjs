#!/usr/bin/env node
// What the dashboard costs the API: its CPU seconds and peak RSS during a 10k-chunk `embedq load`
// against `pnpm start` (API + one worker), with the dashboard open in headless chromium or not.
// Each run gets a fresh database and queue prefix on the local services (psql must reach them).
// Usage, after `bash scripts/setup.sh`: node scripts/measure-dashboard-cost.mjs off on off on off on
// Prints one JSON line per run; compare medians (the machine is shared and noisy).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const PORT = 3100;
const ADMIN = 'measure-admin-key-0001';
const CLIENT = 'measure-client-key-0001';
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const psql = (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', sql]);

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime (fields 14, 15)
};
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function run(mode, i) {
  const db = `embedq_measure_dashboard_${i}`;
  psql(`DROP DATABASE IF EXISTS ${db}`);
  psql(`CREATE DATABASE ${db}`);
  const env = {
    ...process.env,
    PORT: String(PORT),
    QUEUE_PREFIX: `measure-dashboard-${i}-${Date.now()}`,
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
    API_KEYS: `${CLIENT}:*`,
    ADMIN_API_KEY: ADMIN,
    LOG_LEVEL: 'warn',
  };
  const start = spawn(process.execPath, ['scripts/start.mjs'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let apiPid;
  for (let t = 0; t < 100; t++) {
    await sleep(300);
    try {
      const kids = execFileSync('pgrep', ['-P', String(start.pid), '-f', 'apps/api/dist/main.js'])
        .toString()
        .trim();
      apiPid = Number(kids.split('\n')[0]);
      const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 200) break;
    } catch {}
  }
  await sleep(2000);
  let browser;
  if (mode === 'on') {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: ADMIN },
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/admin/dashboard`);
    await page.locator('[data-card="throughput"]').waitFor();
  }
  const cpu0 = cpuSeconds(apiPid);
  const rss0 = rssMb(apiPid);
  let peak = rss0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(apiPid));
  }, 200);
  const t0 = Date.now();
  const out = execFileSync(
    process.execPath,
    ['packages/cli/dist/bin.js', 'load', '--chunks', '10000', '--api', `http://127.0.0.1:${PORT}`],
    { env: { ...process.env, EMBEDQ_API_KEY: CLIENT }, maxBuffer: 1 << 24 },
  ).toString();
  const wall = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  const cpu = cpuSeconds(apiPid) - cpu0;
  const rate = /end to end: ([\d.]+) chunks\/s/.exec(out)?.[1];
  await browser?.close();
  start.kill('SIGTERM');
  await new Promise((r) => start.on('exit', r));
  psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  const result = {
    run: i,
    dashboard: mode,
    apiCpuSeconds: +cpu.toFixed(2),
    apiCpuPercent: +((cpu / wall) * 100).toFixed(1),
    apiRssStartMb: +rss0.toFixed(1),
    apiPeakRssMb: +peak.toFixed(1),
    loadSeconds: +wall.toFixed(1),
    chunksPerSec: Number(rate),
  };
  console.log(JSON.stringify(result));
  return result;
}

const modes = process.argv.slice(2);
if (modes.length === 0 || modes.some((m) => m !== 'on' && m !== 'off')) {
  process.stderr.write('usage: node scripts/measure-dashboard-cost.mjs off|on [off|on ...]\n');
  process.exit(2);
}
for (const [i, mode] of modes.entries()) await run(mode, i);
