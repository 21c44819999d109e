import type { ProcessRuntime } from '@embedq/config';
import { MAX_RSS_SAMPLES } from './batch-recorder.js';
import { formatCount, formatNumber, formatRatio } from './format.js';
import type { CellSummary, Engine, RanOn } from './interfaces.js';
import { describeCommit, type MachineInfo } from './machine-info.js';
import { BASE_CHUNKS, type MatrixReport, type MatrixSettings } from './matrix.js';
import { renderProfileMarkdown } from './profile-report.js';
import { batchColumns, formatPadding } from './summary-columns.js';
import { PEER_TARGETS, SCALING_TOLERANCE } from './targets.js';
import { WARM_UP_CHUNKS } from './warm-up.js';

/** File names the matrix writes into its output folder. */
export const REPORT_BASENAME = 'embedding-performance';

/** The matrix as reports/embedding-performance.md. */
export function renderMarkdown(report: MatrixReport): string {
  const { machine, settings } = report;
  const main = cellById(report, report.baseline.cell);
  const embedqCells = report.cells.filter((c) => c.summary.engine === 'embedq');
  const worstRss = Math.max(...embedqCells.map((c) => c.summary.peakRssMB));
  const rss = report.scaling.rss;
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);

  push(
    '# Embedding performance',
    '',
    `Measured by \`pnpm bench\` (\`embedq bench --matrix${settings.peer ? ' --peer' : ''}${report.engineProfile === undefined ? '' : ' --profile'} --repeat ${settings.repeat}\`) ` +
      `on ${machine.date}, commit \`${describeCommit(machine, 12)}\`. ` +
      `Precision ${settings.precision}; every figure is the median of a cell's runs: ${settings.repeat} ` +
      'per cell, more for cells shorter than the base (column runs; see Method).',
    '',
  );
  if (settings.baseChunks !== BASE_CHUNKS) {
    push(
      `> **Scaled matrix**: base of ${formatCount(settings.baseChunks)} chunks instead of 10k (a smoke test). ` +
        'The figures are not comparable with the seed report.',
      '',
    );
  }
  push(`![Throughput and peak RSS per cell](${REPORT_BASENAME}.svg)`, '');

  push('## Summary', '', '| check | target | measured | verdict |', '|---|---|---|---|');
  push(
    row(
      `throughput, ${main.label}`,
      `>= ${report.targets.chunksPerSec} chunks/s`,
      `${formatNumber(main.summary.chunksPerSec)} chunks/s`,
      verdict(main.summary.chunksPerSec >= report.targets.chunksPerSec),
    ),
    row(
      'peak RSS, worst embedq cell',
      `< ${report.targets.rssMB} MB`,
      `${formatNumber(worstRss, 0)} MB`,
      verdict(worstRss < report.targets.rssMB),
    ),
    row(
      `settled RSS after ${formatCount(rss.endChunks)} no higher than after ${formatCount(rss.earlyChunks)}`,
      'no growth',
      `${mb(rss.earlyMB)} -> ${mb(rss.endMB)}`,
      rss.noGrowth === undefined ? 'n/a' : verdict(rss.noGrowth),
    ),
    row(
      `chunks/s ${formatCount(rss.endChunks)} vs ${formatCount(report.scaling.series[0]?.chunks ?? 0)}`,
      `within ${SCALING_TOLERANCE * 100}% of 1x`,
      formatRatio(report.scaling.chunksPerSecRatio),
      verdict(report.scaling.linear),
    ),
  );
  if (report.peer !== undefined) {
    push(
      row(
        'vs transformers.js (same chunks, same batch size)',
        `>= ${PEER_TARGETS.minChunksPerSecRatio}x chunks/s, <= ${PEER_TARGETS.maxPeakRssRatio}x peak RSS`,
        `${formatRatio(report.peer.ratios.chunksPerSec)} chunks/s, ${formatRatio(report.peer.ratios.peakRss)} peak RSS`,
        verdict(
          report.peer.ratios.chunksPerSec >= PEER_TARGETS.minChunksPerSecRatio &&
            report.peer.ratios.peakRss <= PEER_TARGETS.maxPeakRssRatio,
        ),
      ),
    );
  }
  push(
    row(
      'vs PyTorch baseline (seed report)',
      '',
      `${formatRatio(report.baseline.speedup)} chunks/s, ${formatRatio(report.baseline.memoryRatio)} peak RSS`,
      '',
    ),
    '',
  );

  push('## Machine', '', '| | |', '|---|---|', ...machineRows(machine), ...engineRow(report), '');

  push(
    '## Method',
    '',
    `- Workload: the seed workload (\`@embedq/workload\` \`generateSeedChunks(N)\`, seed 42): deterministic ` +
      'synthetic scientific-like chunks of 100-500 characters. Every engine embeds the same chunks.',
    '- Each run is a fresh Node process (`embedq bench-run`), so its peak RSS is its own: it loads the engine, ' +
      `embeds ${WARM_UP_CHUNKS} other chunks to warm up, then embeds the N chunks. Seconds and chunks/s time ` +
      'the embedding alone; load (model + warm-up) is reported apart.',
    `- embedq: \`@embedq/embedder\` \`embedStream\` with at most B chunks per inference batch (length-sorted, ` +
      `token-bounded batches), ${settings.precision} graph, ${embedqSettings(settings)}. ` +
      'Per-batch ms is the ONNX Runtime run of that batch.',
    ...(settings.peer
      ? [
          `- Peer: \`@huggingface/transformers\` ${machine.transformers} \`pipeline('feature-extraction')\`, ` +
            `dtype ${settings.precision === 'int8' ? "'q8' (onnx/model_quantized.onnx)" : "'fp32' (onnx/model.onnx)"}, ` +
            "`pooling: 'mean', normalize: true`, offline from the locally built model folder, batches of B chunks " +
            'in arrival order, ONNX Runtime default threads. Per-batch ms is the whole pipeline call ' +
            '(tokenize, run, pool).',
        ]
      : []),
    ...runtimeLines(report),
    '- Peak RSS: `process.resourceUsage().maxRSS` of the run process when it finished (model load included). ' +
      'RSS (`process.memoryUsage.rss()`) is also read after every batch; the JSON keeps ' +
      `at most about ${MAX_RSS_SAMPLES} samples per run, each the highest reading since the one before. ` +
      'Settled RSS is sampled right after a ' +
      'full garbage collection (`gc()`) with no batch in flight: an embedq run embeds its chunks as streams of ' +
      'half the base (5k) and samples between them and at the end, as a worker stands between jobs. The ' +
      'per-batch samples also hold garbage V8 has not collected yet (texts a sort window held for a few seconds ' +
      'die in old space) and the batches in flight, which swing them by several MB, so the growth check compares ' +
      'settled samples. Each collection and each drained stream costs a few ms of the timed run. MB means MiB.',
    `- Repeats: ${settings.repeat} rounds, interleaved: each round runs every cell once, and a cell shorter than ` +
      'the base ceil(sqrt(base / chunks)) times (1k: 4, 5k: 2), its runs spread over the round; the round is ' +
      "rotated by one each time. A 3-second run samples the machine's drift (+-10% over seconds) where a " +
      '60-second run averages it, so short cells need more runs for a median as steady. Tables give medians, ' +
      'with min-max.',
    '- Per-batch percentiles interpolate linearly between closest ranks. Padding = padded tokens / real tokens.',
    '- The machine is shared and noisy: compare medians and ratios within this report, not absolute times ' +
      'across reports.',
    `- Whole matrix wall time: ${formatNumber(report.wallSeconds / 60)} min.`,
    '',
  );

  push(
    '## Results',
    '',
    '| cell | engine | chunks | batch | runs | chunks/s (min-max) | seconds | load s | batches | p50 ms | p90 ms | p99 ms | max ms | padding | peak RSS MB (min-max) |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const cell of report.cells) {
    const s = cell.summary;
    push(
      row(
        cell.label,
        engineName(s),
        formatCount(s.chunks),
        String(s.batchSize),
        String(s.runs),
        `${formatNumber(s.chunksPerSec)} (${formatNumber(s.spread.chunksPerSec.min)}-${formatNumber(s.spread.chunksPerSec.max)})`,
        formatNumber(s.seconds),
        formatNumber(s.loadSeconds, 2),
        ...batchColumns(s),
        formatPadding(s),
        `${formatNumber(s.peakRssMB, 0)} (${formatNumber(s.spread.peakRssMB.min, 0)}-${formatNumber(s.spread.peakRssMB.max, 0)})`,
      ),
    );
  }
  push('');

  if (report.peer !== undefined) {
    const e = main.summary;
    const p = cellById(report, report.peer.peerCell).summary;
    const r = (a: number, b: number): string => formatRatio(a / b);
    push(
      `## Peer comparison (${formatCount(e.chunks)} chunks, batch ${e.batchSize}, same chunks)`,
      '',
      '| | embedq | transformers.js | embedq / peer |',
      '|---|--:|--:|--:|',
      row(
        'chunks/s',
        formatNumber(e.chunksPerSec),
        formatNumber(p.chunksPerSec),
        formatRatio(report.peer.ratios.chunksPerSec),
      ),
      row('seconds', formatNumber(e.seconds), formatNumber(p.seconds), r(e.seconds, p.seconds)),
      row(
        'peak RSS MB',
        formatNumber(e.peakRssMB, 0),
        formatNumber(p.peakRssMB, 0),
        formatRatio(report.peer.ratios.peakRss),
      ),
      row(
        'load + warm-up s',
        formatNumber(e.loadSeconds, 2),
        formatNumber(p.loadSeconds, 2),
        r(e.loadSeconds, p.loadSeconds),
      ),
      row(
        'per-batch p50 ms',
        formatNumber(e.batchMs.p50, 0),
        formatNumber(p.batchMs.p50, 0),
        r(e.batchMs.p50, p.batchMs.p50),
      ),
      row(
        'per-batch p99 ms',
        formatNumber(e.batchMs.p99, 0),
        formatNumber(p.batchMs.p99, 0),
        r(e.batchMs.p99, p.batchMs.p99),
      ),
      row('batches', formatNumber(e.batches, 0), formatNumber(p.batches, 0), ''),
      row('padded / real tokens', formatPadding(e), formatPadding(p), ''),
      '',
    );
  }

  const small = report.scaling.series[0];
  push(
    `## Scaling (batch ${main.summary.batchSize})`,
    '',
    '| chunks | chunks/s | vs smallest |',
    '|--:|--:|--:|',
    ...report.scaling.series.map((s) =>
      row(
        formatCount(s.chunks),
        formatNumber(s.chunksPerSec),
        formatRatio(s.chunksPerSec / (small?.chunksPerSec ?? s.chunksPerSec)),
      ),
    ),
    '',
    `- Throughput at ${formatCount(rss.endChunks)} vs ${formatCount(small?.chunks ?? 0)} chunks: ` +
      `${formatRatio(report.scaling.chunksPerSecRatio)} (within ${SCALING_TOLERANCE * 100}%: ${verdict(report.scaling.linear)}).`,
    `- Settled RSS in the ${formatCount(rss.endChunks)}-chunk run after ${formatCount(rss.earlyChunks)} chunks: ${mb(rss.earlyMB)}; ` +
      `after ${formatCount(rss.endChunks)}: ${mb(rss.endMB)} (medians; per run: ` +
      `${rss.perRun.map((r) => `${mb(r.earlyMB)} -> ${mb(r.endMB)}`).join(', ')}). ` +
      `No growth: ${rss.noGrowth === undefined ? 'n/a' : verdict(rss.noGrowth)}.`,
    '',
  );

  const b = report.baseline;
  const peer = report.peer === undefined ? undefined : cellById(report, report.peer.peerCell).summary;
  push(
    '## Against the seed report',
    '',
    '| | chunks/s | peak RSS MB | seconds per 10k chunks |',
    '|---|--:|--:|--:|',
    row(
      `PyTorch FP32, CPU (seed report, 10k, batch ${b.pytorch.batchSize})`,
      String(b.pytorch.chunksPerSec),
      String(b.pytorch.peakRssMB),
      String(b.pytorch.seconds),
    ),
    row(
      `embedq ${settings.precision} (${main.label}, median)`,
      formatNumber(b.chunksPerSec),
      formatNumber(b.peakRssMB, 0),
      formatNumber(b.secondsPer10k),
    ),
    ...(peer === undefined
      ? []
      : [
          row(
            `transformers.js ${settings.precision === 'int8' ? 'q8' : 'fp32'} (peer, median)`,
            formatNumber(peer.chunksPerSec),
            formatNumber(peer.peakRssMB, 0),
            formatNumber(BASE_CHUNKS / peer.chunksPerSec),
          ),
        ]),
    row(
      'embedq / PyTorch',
      formatRatio(b.speedup),
      formatRatio(b.memoryRatio),
      formatRatio(b.secondsPer10k / b.pytorch.seconds),
    ),
    '',
    `The seed report's ONNX expectation (500-700 chunks/s, under 20 s per 10k) is the fleet target. ` +
      `The project's performance model puts one 2-core worker's int8 ceiling at about 125-130 chunks/s on an AVX2-only host, ` +
      `hence the per-worker target of ${report.targets.chunksPerSec} chunks/s; a host whose CPU has ` +
      'AVX-512 VNNI (see Machine) runs int8 GEMMs faster, so compare ratios measured in the same run.',
    '',
    ...(report.engineProfile === undefined ? [] : renderProfileMarkdown(report.engineProfile)),
    `Raw figures, every run and its RSS samples: [${REPORT_BASENAME}.json](${REPORT_BASENAME}.json).`,
    '',
  );
  return lines.join('\n');
}

/** What ran embedq's graph, as its runs recorded it (absent from reports before the native engine). */
function engineRow(report: MatrixReport): string[] {
  const engines = [
    ...new Set(report.cells.flatMap((c) => (c.summary.inference === undefined ? [] : [c.summary.inference]))),
  ];
  if (engines.length === 0) return [];
  return [row('embedq inference engine', engines.map((e) => RAN_ON_NAMES[e]).join(', '))];
}

const RAN_ON_NAMES: Readonly<Record<RanOn, string>> = {
  native: "native (embedq's AVX-512 VNNI kernels)",
  'native-avx2': "native (embedq's AVX2 kernels)",
  onnxruntime: 'ONNX Runtime',
};

function machineRows(m: MachineInfo): string[] {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  return [
    row(
      'CPU',
      `${m.cpuModel}${m.cpuFamilyModel === undefined ? '' : ` (${m.cpuFamilyModel})`}, ${m.logicalCpus} logical CPUs (/proc/cpuinfo flags: AVX2 ${yes(m.cpuFlags.avx2)}, AVX-512 ${yes(m.cpuFlags.avx512f)}, AVX-512 VNNI ${yes(m.cpuFlags.avx512vnni)})`,
    ),
    row('RAM', `${formatNumber(m.totalMemoryGiB)} GiB`),
    row('OS', m.os),
    row('Node', m.node),
    row('onnxruntime-node', m.onnxruntimeNode),
    row('@huggingface/transformers (peer)', m.transformers),
    row('Date', m.date),
    row('Git commit', describeCommit(m, 40)),
  ];
}

function cellById(report: MatrixReport, id: string) {
  const cell = report.cells.find((c) => c.id === id);
  if (cell === undefined) throw new Error(`no cell ${id} in the report`);
  return cell;
}

function row(...cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function verdict(ok: boolean): string {
  return ok ? 'pass' : '**FAIL**';
}

function mb(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${formatNumber(value, 0)} MB`;
}

function engineName(s: CellSummary): string {
  return s.engine === 'peer' ? 'transformers.js' : 'embedq';
}

/** How Node ran each engine's processes, as the runs recorded it (absent in older reports). */
function runtimeLines(report: MatrixReport): string[] {
  const ranWith = (engine: Engine): ProcessRuntime | undefined =>
    report.cells.find((c) => c.summary.engine === engine)?.runs.find((r) => r.runtime !== undefined)?.runtime;
  const embedq = ranWith('embedq');
  if (embedq === undefined) return [];
  const peer = ranWith('peer');
  return [
    `- Node runtime: embedq runs as the Procfile's worker command does, ${describeRuntime(embedq)}` +
      (peer === undefined ? '.' : `; the peer as its users run it, ${describeRuntime(peer)}.`),
  ];
}

function describeRuntime(runtime: ProcessRuntime): string {
  const command = ['node', ...runtime.nodeFlags].join(' ');
  const env = Object.entries(runtime.env).map(([name, value]) => `\`${name}=${value}\``);
  return `\`${command}\`${env.length === 0 ? ' with no malloc tunables' : ` with ${env.join(', ')}`}`;
}

function embedqSettings(settings: Pick<MatrixSettings, 'sessions' | 'threads' | 'maxBatchTokens'>): string {
  const { sessions, threads, maxBatchTokens } = settings;
  const sessionsText =
    sessions === undefined ? "the embedder's default sessions" : `${sessions} ONNX Runtime session(s)`;
  const threadsText = threads === undefined ? "the embedder's default threads" : `${threads} thread(s) each`;
  const budgetText =
    maxBatchTokens === undefined
      ? 'default token budget'
      : `at most ${maxBatchTokens} padded tokens per batch`;
  return `${sessionsText}, ${threadsText}, ${budgetText}`;
}
