import { formatClock, formatDuration, formatNumber } from './format.js';
import { escapeHtml } from './html.js';
import { reembeddingsSection } from './render-reembeddings.js';
import type { DashboardSnapshot, Quantiles } from './snapshot.js';
import { type ChartSeries, lineChart } from './svg-chart.js';

/** Tones for the workers' lines, cycled. */
const WORKER_TONES = 8;

type Health = 'good' | 'warn' | 'bad' | 'idle';

/** The whole dashboard as HTML, from one snapshot. Pure: the page replaces its content with it. */
export function renderDashboard(s: DashboardSnapshot): string {
  return [
    noWorkerBanner(s),
    `<section class="cards">${cards(s)}</section>`,
    '<section class="charts">',
    panel('Fleet throughput', throughputNote(s), throughputChart(s)),
    panel(
      'Queue latency: enqueue to vector written',
      latencyNote(s.latency.currentEndToEnd, s),
      quantileChart(s, 'latency', s.latency.endToEnd),
    ),
    panel(
      'Waiting in the queue',
      latencyNote(s.latency.currentQueueWait, s),
      quantileChart(s, 'queue-wait', s.latency.queueWait),
    ),
    panel('Backlog: chunks waiting', backlogNote(s), backlogChart(s)),
    panel(
      'Worker memory (RSS)',
      `target ${s.workers.rssTargetMb} MB, dyno limit ${s.workers.dynoLimitMb} MB`,
      rssChart(s),
    ),
    panel('Worker throughput', 'chunks/s per worker', workerRateChart(s)),
    '</section>',
    workersTable(s),
    reembeddingsSection(s),
    failuresSection(s),
    queuesTable(s),
  ].join('');
}

function panel(title: string, note: string, body: string): string {
  return `<article class="panel"><header><h2>${escapeHtml(title)}</h2><p class="note">${note}</p></header>${body}</article>`;
}

function noWorkerBanner(s: DashboardSnapshot): string {
  if (s.workers.live.length > 0) return '';
  const waiting =
    s.backlog.current > 0
      ? `${formatNumber(s.backlog.current)} chunks are waiting and will not move until one starts.`
      : 'Nothing is waiting either.';
  return `<div class="banner bad" role="alert" data-banner="no-workers"><strong>No worker is running.</strong> Nothing is being embedded. ${waiting} Start one with <code>node apps/worker/dist/main.js</code> (Heroku: scale the worker dyno).</div>`;
}

function card(label: string, value: string, detail: string, health: Health, name: string): string {
  return `<div class="card ${health}" data-card="${name}"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
}

function ratioHealth(ratio: number): Health {
  if (ratio >= 1) return 'good';
  return ratio >= 0.8 ? 'warn' : 'bad';
}

function cards(s: DashboardSnapshot): string {
  const t = s.throughput;
  const busy = t.current > 0 || s.backlog.current > 0;
  const latency = s.latency.currentEndToEnd;
  const maxRss = Math.max(0, ...s.workers.live.map((w) => w.rssMb));
  const rssHealth: Health =
    s.workers.live.length === 0
      ? 'idle'
      : maxRss < s.workers.rssTargetMb
        ? 'good'
        : maxRss < s.workers.dynoLimitMb
          ? 'warn'
          : 'bad';
  return [
    card(
      'Throughput',
      `${formatNumber(t.current)} <small>chunks/s</small>`,
      `${formatNumber(t.ratio * 100, 0)}% of the ${formatNumber(t.target)} chunks/s target`,
      busy ? ratioHealth(t.ratio) : 'idle',
      'throughput',
    ),
    card(
      'Backlog',
      `${formatNumber(s.backlog.current)} <small>chunks</small>`,
      drainText(s),
      s.backlog.current === 0 ? 'good' : s.backlog.drainSeconds === null ? 'bad' : 'warn',
      'backlog',
    ),
    card(
      'Latency p95',
      latency === null ? '–' : escapeHtml(formatDuration(latency.p95)),
      latency === null
        ? `no chunk written in the last ${s.currentSeconds} s`
        : `p50 ${formatDuration(latency.p50)}, p99 ${formatDuration(latency.p99)}`,
      latency === null ? 'idle' : 'good',
      'latency',
    ),
    card(
      'Workers',
      String(s.workers.live.length),
      s.workers.live.length === 0 ? 'none running' : `largest RSS ${formatNumber(maxRss)} MB`,
      s.workers.live.length === 0 ? 'bad' : rssHealth,
      'workers',
    ),
    planCard(s),
    card(
      'Failed jobs, last hour',
      String(s.failures.lastHour),
      s.failures.lastHour === 0
        ? 'none'
        : `<a href="${escapeHtml(s.links.bullBoard)}">retry or clean in Bull Board</a>`,
      s.failures.lastHour === 0 ? 'good' : 'bad',
      'failures',
    ),
  ].join('');
}

/** The planner's answer, "need N workers, have M", and the figures it rests on. */
function planCard(s: DashboardSnapshot): string {
  const p = s.plan;
  const health: Health =
    p.needed === 0 && p.have === 0 ? 'idle' : p.have >= p.needed ? 'good' : p.have === 0 ? 'bad' : 'warn';
  const inputs = [
    `${formatNumber(p.arrivalChunksPerSec)} chunks/s in, ${formatNumber(p.backlogChunks)} waiting, SLA ${formatDuration(p.slaSeconds)}`,
    `${formatNumber(p.tokensPerWorkerSec, 0)} tokens/s a worker (${p.rateSource === 'measured' ? 'measured' : 'assumed'}) at ${formatNumber(p.utilisation * 100, 0)}%`,
    p.oldestWaitSeconds > 0 ? `oldest job waiting ${formatDuration(p.oldestWaitSeconds)}` : 'no job waiting',
    `${formatNumber(p.targetChunksPerSec)} chunks/s takes ${p.workersForTarget}`,
  ];
  if (p.needed > p.neededNow) inputs.push(`held ${formatDuration(p.stabilizationSeconds)}`);
  return card(
    'Workers needed',
    `need ${p.needed} <small>worker${p.needed === 1 ? '' : 's'}, have ${p.have}</small>`,
    escapeHtml(inputs.join(' · ')),
    health,
    'workers-needed',
  );
}

function drainText(s: DashboardSnapshot): string {
  if (s.backlog.current === 0) return 'nothing waiting';
  if (s.backlog.drainSeconds === null) return 'not draining: no chunks embedded lately';
  return `drains in ~${formatDuration(s.backlog.drainSeconds)} at ${formatNumber(s.throughput.current)} chunks/s`;
}

function throughputNote(s: DashboardSnapshot): string {
  const t = s.throughput;
  return `now ${formatNumber(t.current)} chunks/s (${formatNumber(t.tokensPerSec, 0)} tokens/s), <strong>${formatNumber(t.ratio, 2)}×</strong> the target, over the last ${s.currentSeconds} s`;
}

function latencyNote(q: Quantiles | null, s: DashboardSnapshot): string {
  if (q === null) return `nothing measured in the last ${s.currentSeconds} s`;
  return `last ${s.currentSeconds} s: p50 ${formatDuration(q.p50)}, p95 ${formatDuration(q.p95)}, p99 ${formatDuration(q.p99)}`;
}

function backlogNote(s: DashboardSnapshot): string {
  return `${formatNumber(s.backlog.current)} chunks, ${drainText(s)}`;
}

const step = (s: DashboardSnapshot) => s.bucketSeconds * 1_000;

function throughputChart(s: DashboardSnapshot): string {
  return lineChart({
    id: 'throughput',
    times: s.times,
    stepMs: step(s),
    unit: '/s',
    series: [{ label: 'chunks/s, fleet', values: s.throughput.chunksPerSec, tone: 'a' }],
    references: [
      { label: `target ${formatNumber(s.throughput.target)}`, value: s.throughput.target, tone: 'target' },
    ],
  });
}

function quantileSeries(q: DashboardSnapshot['latency']['endToEnd']): ChartSeries[] {
  return [
    { label: 'p50', values: q.p50, tone: 'a' },
    { label: 'p95', values: q.p95, tone: 'b' },
    { label: 'p99', values: q.p99, tone: 'c' },
  ];
}

/** p50/p95/p99 over time, in seconds: enqueue to vector written, or waiting in the queue. */
function quantileChart(
  s: DashboardSnapshot,
  id: string,
  q: DashboardSnapshot['latency']['endToEnd'],
): string {
  return lineChart({ id, times: s.times, stepMs: step(s), seconds: true, series: quantileSeries(q) });
}

function backlogChart(s: DashboardSnapshot): string {
  return lineChart({
    id: 'backlog',
    times: s.times,
    stepMs: step(s),
    series: [
      { label: 'chunks waiting (sampled while the dashboard is open)', values: s.backlog.chunks, tone: 'a' },
    ],
  });
}

function rssChart(s: DashboardSnapshot): string {
  return lineChart({
    id: 'worker-rss',
    times: s.times,
    stepMs: step(s),
    unit: ' MB',
    series: s.workers.series.map((w, i) => ({
      label: w.workerId,
      values: w.rssMb,
      tone: `w${i % WORKER_TONES}`,
    })),
    references: [
      { label: `target ${s.workers.rssTargetMb} MB`, value: s.workers.rssTargetMb, tone: 'target' },
      { label: `dyno ${s.workers.dynoLimitMb} MB`, value: s.workers.dynoLimitMb, tone: 'limit' },
    ],
  });
}

function workerRateChart(s: DashboardSnapshot): string {
  return lineChart({
    id: 'worker-throughput',
    times: s.times,
    stepMs: step(s),
    unit: '/s',
    series: s.workers.series.map((w, i) => ({
      label: w.workerId,
      values: w.chunksPerSec,
      tone: `w${i % WORKER_TONES}`,
    })),
  });
}

function workersTable(s: DashboardSnapshot): string {
  if (s.workers.live.length === 0) return '';
  const rows = s.workers.live
    .map((w) => {
      const rssHealth =
        w.rssMb < s.workers.rssTargetMb ? 'good' : w.rssMb < s.workers.dynoLimitMb ? 'warn' : 'bad';
      return `<tr><td>${escapeHtml(w.workerId)}</td><td>${escapeHtml(w.hostname)}:${w.pid}</td><td class="num">${formatNumber(w.chunksPerSec)}</td><td class="num ${rssHealth}">${formatNumber(w.rssMb)} MB</td><td class="num">${formatNumber(w.heapUsedMb)} MB</td><td class="num">${formatNumber(w.eventLoopLagP99Ms)} ms</td><td class="num">${w.activeJobs}</td><td class="num">${formatDuration(w.uptimeSeconds)}</td><td class="num">${w.lastSeenSeconds} s ago</td></tr>`;
    })
    .join('');
  return `<section class="panel wide"><header><h2>Workers</h2></header><table><thead><tr><th>worker</th><th>host:pid</th><th>chunks/s</th><th>RSS</th><th>heap</th><th>event-loop lag p99</th><th>jobs running</th><th>up</th><th>heartbeat</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function failuresSection(s: DashboardSnapshot): string {
  const { failures } = s;
  const header = `<header><h2>Failed jobs in the last hour: ${failures.lastHour}</h2><p class="note"><a href="${escapeHtml(s.links.bullBoard)}">open Bull Board</a> to retry or clean them</p></header>`;
  if (failures.recent.length === 0) {
    return `<section class="panel wide" data-section="failures">${header}<p class="quiet">No job failed in the last hour.</p></section>`;
  }
  const reasons = failures.reasons
    .map((r) => `<tr><td class="num">${r.jobs}</td><td class="reason">${escapeHtml(r.reason)}</td></tr>`)
    .join('');
  const jobs = failures.recent
    .map(
      (f) =>
        `<tr><td>${formatClock(f.failedAt)}</td><td>${escapeHtml(f.queue)}</td><td><a href="${escapeHtml(f.link)}">${escapeHtml(f.jobId)}</a></td><td>${escapeHtml(f.range ?? '')}</td><td class="num">${f.attempts}</td><td class="reason">${escapeHtml(f.reason)}</td></tr>`,
    )
    .join('');
  return `<section class="panel wide" data-section="failures">${header}<table><thead><tr><th>jobs</th><th>reason</th></tr></thead><tbody>${reasons}</tbody></table><table><thead><tr><th>failed at</th><th>queue</th><th>job</th><th>chunks</th><th>attempts</th><th>reason</th></tr></thead><tbody>${jobs}</tbody></table></section>`;
}

function queuesTable(s: DashboardSnapshot): string {
  const states = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'paused'];
  const rows = s.queues
    .map(
      (q) =>
        `<tr><td><a href="${escapeHtml(q.link)}">${escapeHtml(q.name)}</a></td>${states.map((state) => `<td class="num">${q.counts[state] ?? 0}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<section class="panel wide"><header><h2>Queues</h2><p class="note">jobs by state; completed jobs are kept an hour</p></header><table><thead><tr><th>queue</th>${states.map((state) => `<th>${state}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`;
}
