import type { EngineSetting } from '@embedq/embedder';
import { optional } from '../options.js';
import type { EngineProfile } from './engine-profile.js';
import { formatCount } from './format.js';
import type { CellSummary, Precision, Ratios, RunResult, RunSpec } from './interfaces.js';
import type { MachineInfo } from './machine-info.js';
import { median } from './percentiles.js';
import { ratios, rssAt, summarizeRuns } from './summarize-runs.js';
import { PYTORCH_BASELINE, RSS_LIMIT_MB, SCALING_TOLERANCE, TARGET_CHUNKS_PER_SEC } from './targets.js';

/** The seed report's sizes, relative to the base of 10k chunks. */
export const BASE_CHUNKS = 10_000;
export const BATCH_SIZES = [32, 64, 128] as const;
export const SCALING_FACTORS = [0.1, 0.5, 1, 2] as const;
export const SCALING_BATCH_SIZE = 64;
/** The growth check compares RSS in the largest run at this fraction of the base (5k) with its end. */
const EARLY_RSS_FACTOR = 0.5;
export const DEFAULT_MATRIX_REPEAT = 3;

export type CellRole = 'batch-size' | 'scaling' | 'peer';

export interface MatrixCell {
  /** Stable id, e.g. `embedq-10k-b64`. */
  readonly id: string;
  /** Short label for tables and charts, e.g. `10k b64` or `peer 10k b64`. */
  readonly label: string;
  readonly roles: readonly CellRole[];
  readonly spec: RunSpec;
  /** Runs of this cell in each repeat (default 1): more for short cells, see `runsPerRepeat`. */
  readonly runsPerRepeat?: number;
}

export interface MatrixOptions {
  readonly precision: Precision;
  /** 10k for the seed matrix; smaller values scale every cell alike (smoke tests). */
  readonly baseChunks: number;
  readonly peer: boolean;
  readonly sessions?: number;
  readonly threads?: number;
  readonly inference?: EngineSetting;
  readonly maxBatchTokens?: number;
  readonly modelDir?: string;
}

/**
 * The cells: embedq at batch sizes 32/64/128 on the base count; embedq at batch 64 on
 * 0.1x/0.5x/1x/2x the base (1k/5k/10k/20k); the peer at batch 64 on the base count.
 * The base/batch-64 cell serves both the batch-size and the scaling series.
 */
export function planMatrix(options: MatrixOptions): MatrixCell[] {
  const extra = {
    // Settled RSS samples at the early mark of the growth check (5k) and its multiples.
    settleEvery: scaled(options.baseChunks, EARLY_RSS_FACTOR),
    ...optional('sessions', options.sessions),
    ...optional('threads', options.threads),
    ...optional('inference', options.inference),
    ...optional('maxBatchTokens', options.maxBatchTokens),
  };
  const modelDir = optional('modelDir', options.modelDir);
  const cells = new Map<string, MatrixCell>();
  const add = (engine: 'embedq' | 'peer', chunks: number, batchSize: number, role: CellRole): void => {
    const id = `${engine}-${formatCount(chunks)}-b${batchSize}`;
    const existing = cells.get(id);
    if (existing !== undefined) {
      cells.set(id, { ...existing, roles: [...existing.roles, role] });
      return;
    }
    const spec: RunSpec = {
      engine,
      chunks,
      batchSize,
      precision: options.precision,
      ...(engine === 'embedq' ? extra : {}),
      ...modelDir,
    };
    const label = `${engine === 'peer' ? 'peer ' : ''}${formatCount(chunks)} b${batchSize}`;
    cells.set(id, {
      id,
      label,
      roles: [role],
      spec,
      runsPerRepeat: runsPerRepeat(chunks, options.baseChunks),
    });
  };
  for (const batchSize of BATCH_SIZES) add('embedq', options.baseChunks, batchSize, 'batch-size');
  for (const factor of SCALING_FACTORS)
    add('embedq', scaled(options.baseChunks, factor), SCALING_BATCH_SIZE, 'scaling');
  if (options.peer) add('peer', options.baseChunks, SCALING_BATCH_SIZE, 'peer');
  return [...cells.values()];
}

function scaled(base: number, factor: number): number {
  return Math.max(1, Math.round(base * factor));
}

/**
 * A cell shorter than the base runs ceil(sqrt(base / chunks)) times per repeat (1k: 4, 5k: 2).
 * On a shared machine throughput drifts by +-10% over seconds: a 3-second 1k run samples that
 * drift where a 60-second 20k run averages it, so a median of three 1k runs alone can miss the
 * 20k figure by more than the 5% the scaling check allows. The extra runs cost about 1.5 minutes.
 */
export function runsPerRepeat(chunks: number, baseChunks: number): number {
  return chunks >= baseChunks ? 1 : Math.ceil(Math.sqrt(baseChunks / chunks));
}

export interface ScheduledRun {
  readonly cell: number;
  readonly repeat: number;
}

/**
 * Each repeat is one round holding every cell `runsPerRepeat[cell]` times, a cell's runs spread
 * evenly over the round; repeats run one after another, the round rotated by one each time, so
 * no cell always runs first (or right after the same neighbour in the same position), and with
 * one run per cell per repeat no cell runs back to back.
 */
export function scheduleRuns(runsPerRepeat: readonly number[], repeat: number): ScheduledRun[] {
  const cellCount = runsPerRepeat.length;
  const round = runsPerRepeat
    .flatMap((runs, cell) =>
      Array.from({ length: runs }, (_, k) => ({ cell, at: (k + (cell + 0.5) / cellCount) / runs })),
    )
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.cell);
  const runs: ScheduledRun[] = [];
  for (let r = 0; r < repeat; r++) {
    for (let i = 0; i < round.length; i++) runs.push({ cell: round[(i + r) % round.length]!, repeat: r });
  }
  return runs;
}

export interface CellResult {
  readonly id: string;
  readonly label: string;
  readonly roles: readonly CellRole[];
  readonly summary: CellSummary;
  readonly runs: readonly RunResult[];
}

export interface PeerComparison {
  readonly embedqCell: string;
  readonly peerCell: string;
  readonly ratios: Ratios;
}

export interface ScalingCheck {
  /** The scaling series, smallest first: chunks and median chunks/s. */
  readonly series: readonly {
    readonly cell: string;
    readonly chunks: number;
    readonly chunksPerSec: number;
  }[];
  readonly smallCell: string;
  readonly largeCell: string;
  /** Median chunks/s of the largest run divided by that of the smallest (20k vs 1k). */
  readonly chunksPerSecRatio: number;
  /** The ratio is within SCALING_TOLERANCE of 1: cost grows linearly with work. */
  readonly linear: boolean;
  /**
   * In the largest run: settled RSS (right after a full garbage collection, see SettledRssSampler)
   * when half the base count was done (5k) and at the end (20k).
   */
  readonly rss: {
    readonly earlyChunks: number;
    readonly endChunks: number;
    readonly perRun: readonly { readonly earlyMB: number | undefined; readonly endMB: number | undefined }[];
    readonly earlyMB: number | undefined;
    readonly endMB: number | undefined;
    /** Median RSS at the end no higher than at the early mark. */
    readonly noGrowth: boolean | undefined;
  };
}

export interface BaselineComparison {
  readonly pytorch: typeof PYTORCH_BASELINE;
  /** The embedq cell compared (base count, batch 64). */
  readonly cell: string;
  readonly chunksPerSec: number;
  readonly peakRssMB: number;
  /** Seconds per 10k chunks at the measured median throughput. */
  readonly secondsPer10k: number;
  /** embedq chunks/s divided by PyTorch's. */
  readonly speedup: number;
  /** embedq peak RSS divided by PyTorch's. */
  readonly memoryRatio: number;
}

export interface MatrixSettings {
  readonly precision: Precision;
  readonly repeat: number;
  readonly baseChunks: number;
  readonly peer: boolean;
  readonly sessions?: number;
  readonly threads?: number;
  readonly inference?: EngineSetting;
  readonly maxBatchTokens?: number;
}

export interface MatrixReport {
  readonly kind: 'embedq-bench-matrix';
  readonly machine: MachineInfo;
  readonly settings: MatrixSettings;
  readonly targets: { readonly chunksPerSec: number; readonly rssMB: number };
  /** Wall time of the whole matrix, child start-up and model loads included. */
  readonly wallSeconds: number;
  readonly cells: readonly CellResult[];
  readonly peer: PeerComparison | undefined;
  readonly scaling: ScalingCheck;
  readonly baseline: BaselineComparison;
  /** With `--profile`: the base cell's operator profile and the fraction of the int8 peak. */
  readonly engineProfile?: EngineProfile;
}

export type RunMeasurer = (
  spec: RunSpec,
  context: { index: number; total: number; cell: MatrixCell; repeat: number },
) => Promise<RunResult>;

/** Runs the schedule one run at a time; returns each cell's runs in the order they ran. */
export async function runMatrix(
  cells: readonly MatrixCell[],
  repeat: number,
  measure: RunMeasurer,
): Promise<RunResult[][]> {
  const results: RunResult[][] = cells.map(() => []);
  const plan = scheduleRuns(
    cells.map((cell) => cell.runsPerRepeat ?? 1),
    repeat,
  );
  for (const [index, run] of plan.entries()) {
    const cell = cells[run.cell]!;
    results[run.cell]!.push(
      await measure(cell.spec, { index, total: plan.length, cell, repeat: run.repeat }),
    );
  }
  return results;
}

/** Puts the measured runs together with the checks the seed report asks for. */
export function assembleMatrixReport(input: {
  readonly cells: readonly MatrixCell[];
  readonly runs: readonly (readonly RunResult[])[];
  readonly machine: MachineInfo;
  readonly settings: MatrixSettings;
  readonly wallSeconds: number;
}): MatrixReport {
  const cells: CellResult[] = input.cells.map((cell, i) => {
    const runs = input.runs[i] ?? [];
    return { id: cell.id, label: cell.label, roles: cell.roles, summary: summarizeRuns(runs), runs };
  });
  const base = input.settings.baseChunks;
  const mainCell = find(
    cells,
    (c) =>
      c.summary.engine === 'embedq' &&
      c.summary.chunks === base &&
      c.summary.batchSize === SCALING_BATCH_SIZE,
  );
  const peerCell = cells.find((c) => c.summary.engine === 'peer');

  const series = cells
    .filter((c) => c.roles.includes('scaling'))
    .map((c) => ({ cell: c.id, chunks: c.summary.chunks, chunksPerSec: c.summary.chunksPerSec }))
    .sort((a, b) => a.chunks - b.chunks);
  const small = series[0];
  const large = series[series.length - 1];
  if (small === undefined || large === undefined) throw new Error('the matrix has no scaling cells');
  const largeCell = find(cells, (c) => c.id === large.cell);
  const earlyChunks = scaled(base, EARLY_RSS_FACTOR);
  const perRun = largeCell.runs.map((run) => ({
    earlyMB: rssAt(run.settledRss ?? [], earlyChunks),
    endMB: run.settledRss?.[run.settledRss.length - 1]?.rssMB,
  }));
  const earlyMB = medianOf(perRun.map((r) => r.earlyMB));
  const endMB = medianOf(perRun.map((r) => r.endMB));

  return {
    kind: 'embedq-bench-matrix',
    machine: input.machine,
    settings: input.settings,
    targets: { chunksPerSec: TARGET_CHUNKS_PER_SEC, rssMB: RSS_LIMIT_MB },
    wallSeconds: input.wallSeconds,
    cells,
    peer:
      peerCell === undefined
        ? undefined
        : {
            embedqCell: mainCell.id,
            peerCell: peerCell.id,
            ratios: ratios(mainCell.summary, peerCell.summary),
          },
    scaling: {
      series,
      smallCell: small.cell,
      largeCell: large.cell,
      chunksPerSecRatio: large.chunksPerSec / small.chunksPerSec,
      linear: Math.abs(large.chunksPerSec / small.chunksPerSec - 1) <= SCALING_TOLERANCE,
      rss: {
        earlyChunks,
        endChunks: large.chunks,
        perRun,
        earlyMB,
        endMB,
        noGrowth: earlyMB === undefined || endMB === undefined ? undefined : endMB <= earlyMB,
      },
    },
    baseline: {
      pytorch: PYTORCH_BASELINE,
      cell: mainCell.id,
      chunksPerSec: mainCell.summary.chunksPerSec,
      peakRssMB: mainCell.summary.peakRssMB,
      secondsPer10k: BASE_CHUNKS / mainCell.summary.chunksPerSec,
      speedup: mainCell.summary.chunksPerSec / PYTORCH_BASELINE.chunksPerSec,
      memoryRatio: mainCell.summary.peakRssMB / PYTORCH_BASELINE.peakRssMB,
    },
  };
}

function find(cells: readonly CellResult[], test: (cell: CellResult) => boolean): CellResult {
  const cell = cells.find(test);
  if (cell === undefined) throw new Error('the matrix lacks a cell it needs');
  return cell;
}

function medianOf(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : median(known);
}
