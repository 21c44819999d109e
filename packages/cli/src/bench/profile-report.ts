import { renderTable } from '../text-table.js';
import type { EngineProfile } from './engine-profile.js';
import { formatNumber } from './format.js';
import type { Int8Peak } from './int8-peak.js';
import type { KindProfile } from './operator-profile.js';

const percent = (fraction: number, decimals = 1): string => `${formatNumber(fraction * 100, decimals)}%`;
const giga = (rate: number): string => formatNumber(rate / 1e9, 1);

function onePeak(peak: Int8Peak): number | undefined {
  return peak.measured ? peak.rates.find((r) => r.threads === 1)?.opsPerSecond : undefined;
}

/** A kind's rate, and for int8 work its fraction of one thread's peak (each session ran on its own). */
function describeRate(kind: KindProfile, peak: Int8Peak): string {
  const unit = kind.unit === 'elements/s' ? 'G elements/s' : `G ${kind.unit}`;
  const one = onePeak(peak);
  const ofPeak =
    kind.unit === 'int ops/s' && one !== undefined
      ? ` (${percent(kind.rate / one, 0)} of 1-thread peak)`
      : '';
  return `${giga(kind.rate)} ${unit}${ofPeak}`;
}

function describePeak(peak: Int8Peak): string {
  if (!peak.measured) return `int8 peak: not measured (${peak.reason})`;
  const rates = peak.rates
    .map((r) => `${r.threads} thread${r.threads === 1 ? '' : 's'} ${giga(r.opsPerSecond)} G ops/s`)
    .join(', ');
  return `int8 peak (${peak.instructions}, best of 3): ${rates}`;
}

function describeEngine(p: EngineProfile): string {
  const perToken = formatNumber(p.profile.linearOpsPerToken / 1e6, 2);
  const fraction = p.fractionOfPeak === undefined ? '' : `: ${percent(p.fractionOfPeak)} of the peak`;
  const kind = p.profile.kinds.some((k) => k.kind === 'fp32 GEMM') ? 'float' : 'int';
  const token = p.profile.engine === 'native' ? 'token (padding is not computed)' : 'padded token';
  return `engine (${p.cell}, measured runs): ${perToken} M ${kind} ops per ${token} -> ${giga(p.engineOpsPerSecond)} G ops/s${fraction}`;
}

function heading(p: EngineProfile): string {
  const { profile } = p;
  const whose =
    profile.engine === 'native'
      ? `Native engine (${profile.kernels ?? 'avx512-vnni'} kernels) stage times of one more ${p.cell} run: ${profile.sessions} session(s)`
      : `ONNX Runtime profile of one more ${p.cell} run: ${profile.sessions} session trace(s)`;
  return (
    `${whose}, ` +
    `${formatNumber(profile.runs, 0)} runs, ${formatNumber(profile.kernelSeconds, 1)} kernel s ` +
    `(${percent(profile.runSeconds > 0 ? profile.kernelSeconds / profile.runSeconds : 0)} of run time); ` +
    `the profiled run did ${formatNumber(p.profiledRun.chunksPerSec)} chunks/s`
  );
}

function describeAttention(p: EngineProfile): string {
  const split = p.profile.attentionSplit;
  if (split === undefined) return '';
  return (
    `QAttention's QKV projection at the int8 GEMMs' rate would take ${formatNumber(split.projectionSeconds, 2)} s; ` +
    `the rest, ${formatNumber(split.coreSeconds, 2)} s (${percent(split.coreShare)} of all kernel time), is its ` +
    'fp32 scores, softmax and weighted sums'
  );
}

const opsLine = (p: EngineProfile): string =>
  p.profile.opTypes
    .slice(0, 8)
    .map((o) => `${o.op} ${percent(o.share)}`)
    .join(', ');

/** For `embedq bench --profile`'s stdout. */
export function renderProfileText(p: EngineProfile): string {
  const rows = p.profile.kinds.map((k) => [
    k.kind,
    percent(k.share),
    formatNumber(k.seconds, 2),
    formatNumber(k.calls, 0),
    describeRate(k, p.int8Peak),
  ]);
  return (
    `\nWhere the time goes (${heading(p)})\n` +
    renderTable(
      [
        { heading: 'kind' },
        { heading: 'share', align: 'right' },
        { heading: 'kernel s', align: 'right' },
        { heading: 'calls', align: 'right' },
        { heading: 'effective rate per session thread' },
      ],
      rows,
    ) +
    `  operators: ${opsLine(p)}\n` +
    (p.profile.attentionSplit === undefined ? '' : `  ${describeAttention(p)}\n`) +
    `  ${describePeak(p.int8Peak)}\n` +
    `  ${describeEngine(p)}\n`
  );
}

/** The "Where the time goes" section of reports/embedding-performance.md. */
export function renderProfileMarkdown(p: EngineProfile): string[] {
  return [
    '## Where the time goes',
    '',
    `${heading(p)}. Kinds group ONNX Runtime's operators (or the native engine's stages, whose ` +
      'first FFN GEMM includes GELU and which compute no padding); shares are of the kernel time summed over ' +
      "the sessions; a rate is the kind's work over its kernel time, on one session's thread: " +
      "int ops are the int8 GEMMs' multiply-adds x 2 (from the shapes in the trace), attention's ops " +
      'its QKV projection (int8 in QAttention) and its fp32 scores and weighted sums, elements the ' +
      "outputs written. Pooling is what runs after the last layer norm. The sessions' reserve runs " +
      '(the largest shapes, once at start) are left out; the 16-chunk warm-up is in.',
    '',
    '| kind | operators | share | kernel s | calls | effective rate |',
    '|---|---|--:|--:|--:|---|',
    ...p.profile.kinds.map(
      (k) =>
        `| ${k.kind} | ${k.ops.join(', ')} | ${percent(k.share)} | ${formatNumber(k.seconds, 2)} | ` +
        `${formatNumber(k.calls, 0)} | ${describeRate(k, p.int8Peak)} |`,
    ),
    '',
    `Operators by time: ${opsLine(p)}.`,
    '',
    ...(p.profile.attentionSplit === undefined ? [] : [`${describeAttention(p)} (an estimate).`, '']),
    `${describePeak(p.int8Peak)}. The microbenchmark (\`packages/cli/src/bench/int8-peak-source.ts\`) is ` +
      'a C loop of independent int8 multiply-accumulate chains in inline assembly, compiled with the ' +
      "system's `cc` and run right after the profile; its rate is what the CPU's widest int8 " +
      'instruction can do with no memory traffic at all.',
    '',
    `${describeEngine(p)}.`,
    '',
  ];
}
