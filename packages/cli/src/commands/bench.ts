import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { profileEngine } from '../bench/engine-profile.js';
import { formatCount, formatNumber } from '../bench/format.js';
import type { EngineSetting, Precision, RunResult, RunSpec } from '../bench/interfaces.js';
import { collectMachineInfo } from '../bench/machine-info.js';
import {
  assembleMatrixReport,
  BASE_CHUNKS,
  DEFAULT_MATRIX_REPEAT,
  type MatrixCell,
  type MatrixReport,
  planMatrix,
  type RunMeasurer,
  runMatrix,
} from '../bench/matrix.js';
import { renderProfileText } from '../bench/profile-report.js';
import { REPORT_BASENAME, renderMarkdown } from '../bench/report-markdown.js';
import { renderSvg } from '../bench/report-svg.js';
import { runChild } from '../bench/run-child.js';
import { ratios, summarizeRuns } from '../bench/summarize-runs.js';
import { renderBenchSummary, renderMatrixSummary } from '../bench/summary-text.js';
import type { Command, CommandContext } from '../command.js';
import type { CliEnv } from '../env.js';
import { optional, parseCommandArgs, parseCount, parseEngineSetting, parsePrecision } from '../options.js';
import { findRepoRoot } from '../repo-root.js';
import { UsageError } from '../usage-error.js';

const NAME = 'bench';
export const DEFAULT_CHUNKS = BASE_CHUNKS;
export const DEFAULT_BATCH_SIZE = 64;
/** The embedder's floor: one chunk of the longest sequence (256 word pieces) must fit. */
export const MIN_BATCH_TOKENS = 256;

export const benchHelp = `Usage: embedq bench [--chunks N] [--batch-size B] [--precision P] [--peer] [--json FILE]
                    [--sessions S] [--threads T] [--engine E] [--max-batch-tokens N] [--repeat R]
                    [--model-dir DIR] [--profile]
       embedq bench --matrix [--peer] [--profile] [--engine E] [--repeat R] [--out DIR] [--precision P]
                    [--json FILE]
       embedq bench --matrix --from-json FILE [--out DIR]

Embeds N deterministic seed chunks (synthetic scientific-like text, 100-500 characters)
and prints throughput, per-batch latency percentiles, padding and peak RSS. Every measured
run is a fresh child process, so its peak RSS is its own; only the embedding is timed
(model load and warm-up are reported apart). Progress goes to stderr every ~2 s.

Options:
  --chunks N        seed chunks to embed (default ${DEFAULT_CHUNKS}); with --matrix, the base
                    count that every cell scales with (for smoke tests)
  --batch-size B    most chunks per inference batch (default ${DEFAULT_BATCH_SIZE}; not with --matrix)
  --precision P     fp32 or int8 (default int8; the peer runs q8 or fp32 to match)
  --peer            also measure the transformers.js feature-extraction pipeline (mean
                    pooling, normalised) on the same chunks, and report the ratios
  --sessions S      embedq: inference sessions run side by side (default: the embedder's)
  --threads T       embedq: threads per session (default: the embedder's; the native
                    engine runs one, so more means ONNX Runtime)
  --engine E        embedq: what runs the graph: auto (default: the native engine where
                    the addon is built, with AVX-512 VNNI or AVX2 kernels; EMBEDQ_NATIVE_KERNELS=avx2
                    picks the AVX2 ones on an AVX-512 CPU), native or onnxruntime
  --max-batch-tokens N
                    embedq: most padded tokens per inference batch, the memory bound
                    (at least ${MIN_BATCH_TOKENS}; default: the embedder's)
  --repeat R        runs per engine (per cell with --matrix), interleaved; medians are
                    reported with min and max (default 1; ${DEFAULT_MATRIX_REPEAT} with --matrix)
  --json FILE       also write every figure, run and RSS sample as JSON
  --profile         then run embedq once more (the 10k b64 cell with --matrix) with its
                    engine's profile (ONNX Runtime's profiler, or the native engine's time
                    per stage), group the work by kind (share, effective rate),
                    measure the machine's int8 peak with a C microbenchmark (needs \`cc\`),
                    and report the fraction of that peak the measured runs reached
  --matrix          the seed matrix: ${formatCount(BASE_CHUNKS)} chunks at batch sizes 32, 64 and 128;
                    1k, 5k, 10k and 20k chunks at batch 64; with --peer, the peer at 10k,
                    batch 64. Writes ${REPORT_BASENAME}.md, .json and .svg
  --out DIR         where --matrix writes its reports (default: the repository's reports/)
  --from-json FILE  with --matrix: measure nothing, write the reports again from the
                    JSON of an earlier matrix
  --model-dir DIR   the built model folder (default: $EMBEDQ_MODEL_DIR, else the
                    repository's models/all-MiniLM-L6-v2)
  -h, --help        show this help
`;

export interface BenchArgs {
  readonly help: boolean;
  readonly matrix: boolean;
  readonly chunks: number;
  readonly batchSize: number;
  readonly precision: Precision;
  readonly peer: boolean;
  readonly profile: boolean;
  readonly repeat: number;
  readonly sessions: number | undefined;
  readonly threads: number | undefined;
  readonly inference: EngineSetting | undefined;
  readonly maxBatchTokens: number | undefined;
  /** Absolute. */
  readonly json: string | undefined;
  /** Absolute; matrix reports only. */
  readonly out: string;
  /** Absolute; re-render the matrix reports from this JSON. */
  readonly fromJson: string | undefined;
  readonly modelDir: string | undefined;
}

export function parseBenchArgs(args: readonly string[], env: CliEnv): BenchArgs {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    chunks: { type: 'string' },
    'batch-size': { type: 'string' },
    precision: { type: 'string' },
    peer: { type: 'boolean' },
    profile: { type: 'boolean' },
    sessions: { type: 'string' },
    threads: { type: 'string' },
    engine: { type: 'string' },
    'max-batch-tokens': { type: 'string' },
    repeat: { type: 'string' },
    json: { type: 'string' },
    matrix: { type: 'boolean' },
    out: { type: 'string' },
    'from-json': { type: 'string' },
    'model-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const fail = (message: string): never => {
    throw new UsageError(`${NAME}: ${message}`, { command: NAME });
  };
  if (positionals.length > 0) fail(`unexpected argument '${positionals[0]}'`);
  const matrix = values.matrix === true;
  if (matrix && values['batch-size'] !== undefined)
    fail('--batch-size does not go with --matrix (it runs 32, 64 and 128)');
  if (!matrix && values.out !== undefined)
    fail('--out goes with --matrix (use --json FILE for a single bench)');
  if (!matrix && values['from-json'] !== undefined) fail('--from-json goes with --matrix');
  const count = (flag: string, value: string | undefined, min = 1): number | undefined =>
    value === undefined ? undefined : parseCount(NAME, flag, value, min);
  const path = (value: string | undefined): string | undefined =>
    value === undefined ? undefined : resolve(env.userCwd, value);
  return {
    help: values.help === true,
    matrix,
    chunks: count('chunks', values.chunks) ?? DEFAULT_CHUNKS,
    batchSize: count('batch-size', values['batch-size']) ?? DEFAULT_BATCH_SIZE,
    precision: values.precision === undefined ? 'int8' : parsePrecision(NAME, values.precision),
    peer: values.peer === true,
    profile: values.profile === true,
    repeat: count('repeat', values.repeat) ?? (matrix ? DEFAULT_MATRIX_REPEAT : 1),
    sessions: count('sessions', values.sessions),
    threads: count('threads', values.threads),
    inference: parseEngineSetting(NAME, 'engine', values.engine),
    maxBatchTokens: count('max-batch-tokens', values['max-batch-tokens'], MIN_BATCH_TOKENS),
    json: path(values.json),
    out: path(values.out) ?? join(findRepoRoot() ?? env.userCwd, 'reports'),
    fromJson: path(values['from-json']),
    modelDir: path(values['model-dir']) ?? env.modelDir,
  };
}

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const parsed = parseBenchArgs(args, context.env);
  if (parsed.help) {
    context.stdout.write(benchHelp);
    return 0;
  }
  const log = (line: string): void => void context.stderr.write(`${line}\n`);
  if (parsed.fromJson !== undefined)
    return writeMatrixReports(await readMatrixReport(parsed.fromJson), parsed, context);
  const { prepareModel } = await import('../prepare-model.js');
  await prepareModel({
    modelDir: parsed.modelDir,
    precision: parsed.precision,
    peer: parsed.peer,
    verify: true,
    log,
  });
  const machine = collectMachineInfo(findRepoRoot());
  return parsed.matrix
    ? runMatrixBench(parsed, machine, context, log)
    : runSingleBench(parsed, machine, context, log);
}

async function runSingleBench(
  args: BenchArgs,
  machine: ReturnType<typeof collectMachineInfo>,
  context: CommandContext,
  log: (line: string) => void,
): Promise<number> {
  const base = {
    chunks: args.chunks,
    batchSize: args.batchSize,
    precision: args.precision,
    ...optional('modelDir', args.modelDir),
  };
  const embedqSpec: RunSpec = {
    engine: 'embedq',
    ...base,
    ...optional('sessions', args.sessions),
    ...optional('threads', args.threads),
    ...optional('inference', args.inference),
    ...optional('maxBatchTokens', args.maxBatchTokens),
  };
  const cells: MatrixCell[] = [{ id: 'embedq', label: 'embedq', roles: [], spec: embedqSpec }];
  if (args.peer)
    cells.push({ id: 'peer', label: 'peer', roles: ['peer'], spec: { engine: 'peer', ...base } });

  const runs = await runMatrix(cells, args.repeat, measureInChild(args.repeat, log));
  const embedq = summarizeRuns(runs[0] ?? []);
  const peer = args.peer ? summarizeRuns(runs[1] ?? []) : undefined;
  const peerRatios = peer === undefined ? undefined : ratios(embedq, peer);
  context.stdout.write(renderBenchSummary(peer === undefined ? [embedq] : [embedq, peer], peerRatios));
  const engineProfile = args.profile
    ? await profileEngine(embedqSpec, embedq, 'embedq', measureProfiled(log))
    : undefined;
  if (engineProfile !== undefined) context.stdout.write(renderProfileText(engineProfile));

  if (args.json !== undefined) {
    const json = {
      kind: 'embedq-bench',
      ...embedq,
      repeat: args.repeat,
      runs: runs[0],
      ...(peer === undefined ? {} : { peer: { ...peer, runs: runs[1] }, ratios: peerRatios }),
      ...(engineProfile === undefined ? {} : { engineProfile }),
      machine,
    };
    await writeText(args.json, `${JSON.stringify(json, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
  return 0;
}

async function runMatrixBench(
  args: BenchArgs,
  machine: ReturnType<typeof collectMachineInfo>,
  context: CommandContext,
  log: (line: string) => void,
): Promise<number> {
  const cells = planMatrix({
    precision: args.precision,
    baseChunks: args.chunks,
    peer: args.peer,
    ...optional('sessions', args.sessions),
    ...optional('threads', args.threads),
    ...optional('inference', args.inference),
    ...optional('maxBatchTokens', args.maxBatchTokens),
    ...optional('modelDir', args.modelDir),
  });
  log(`matrix: ${cells.length} cells x ${args.repeat} repeat(s): ${cells.map((c) => c.label).join(', ')}`);
  const start = performance.now();
  const runs = await runMatrix(cells, args.repeat, measureInChild(args.repeat, log));
  const report = assembleMatrixReport({
    cells,
    runs,
    machine,
    settings: {
      precision: args.precision,
      repeat: args.repeat,
      baseChunks: args.chunks,
      peer: args.peer,
      ...optional('sessions', args.sessions),
      ...optional('threads', args.threads),
      ...optional('inference', args.inference),
      ...optional('maxBatchTokens', args.maxBatchTokens),
    },
    wallSeconds: (performance.now() - start) / 1000,
  });
  if (!args.profile) return writeMatrixReports(report, args, context);
  const base = report.cells.find((c) => c.id === report.baseline.cell);
  const spec = cells.find((c) => c.id === report.baseline.cell)?.spec;
  if (base === undefined || spec === undefined) throw new Error('the matrix has no base cell to profile');
  const engineProfile = await profileEngine(spec, base.summary, base.label, measureProfiled(log));
  return writeMatrixReports({ ...report, engineProfile }, args, context);
}

async function readMatrixReport(file: string): Promise<MatrixReport> {
  let report: unknown;
  try {
    report = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the matrix JSON ${file}`, { cause: error });
  }
  if ((report as { kind?: unknown } | null)?.kind !== 'embedq-bench-matrix') {
    throw new Error(`${file} is not the JSON of an 'embedq bench --matrix' run`);
  }
  return report as MatrixReport;
}

async function writeMatrixReports(
  report: MatrixReport,
  args: BenchArgs,
  context: CommandContext,
): Promise<number> {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const files = [
    [join(args.out, `${REPORT_BASENAME}.md`), renderMarkdown(report)],
    [join(args.out, `${REPORT_BASENAME}.json`), json],
    [join(args.out, `${REPORT_BASENAME}.svg`), renderSvg(report)],
    ...(args.json === undefined ? [] : [[args.json, json]]),
  ] as const;
  for (const [file, content] of files) await writeText(file, content);
  context.stdout.write(renderMatrixSummary(report));
  context.stdout.write(`\nwrote ${files.map(([file]) => file).join(', ')}\n`);
  return 0;
}

/** The profiled run, in a child process like the others, announced on stderr. */
function measureProfiled(log: (line: string) => void): (spec: RunSpec) => Promise<RunResult> {
  return async (spec) => {
    log(
      `profiling: ${spec.engine} ${formatCount(spec.chunks)} chunks, batch ${spec.batchSize}, ${spec.precision}`,
    );
    const result = await runChild(spec);
    log(`  -> ${formatNumber(result.chunksPerSec)} chunks/s with the profiler on; measuring the int8 peak`);
    return result;
  };
}

/** Each run in a child process, with a line before and after it on stderr. */
function measureInChild(repeat: number, log: (line: string) => void): RunMeasurer {
  return async (spec, { index, total, cell, repeat: current }) => {
    log(
      `[${index + 1}/${total}] ${spec.engine} ${formatCount(spec.chunks)} chunks, batch ${spec.batchSize}, ${spec.precision} (${cell.id}, repeat ${current + 1}/${repeat})`,
    );
    const result: RunResult = await runChild(spec);
    log(
      `  -> ${formatNumber(result.chunksPerSec)} chunks/s, ${formatNumber(result.seconds, 2)} s ` +
        `(load ${formatNumber(result.loadSeconds, 2)} s), peak RSS ${formatNumber(result.peakRssMB, 0)} MB`,
    );
    return result;
  };
}

async function writeText(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}

export const benchCommand: Command = {
  name: NAME,
  summary: 'measure throughput, per-batch latency and peak RSS on the seed workload',
  help: benchHelp,
  run,
};
