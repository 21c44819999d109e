import { defaultModelDir, type GraphKey, graphFile } from '@embedq/model';
import { readCpuBudget } from './cpu-budget.js';
import { DEFAULT_MAX_SESSIONS, sizeInference } from './inference-sizing.js';
import {
  type EmbedderOptions,
  ENGINE_SETTINGS,
  type EngineSetting,
  MAX_SEQUENCE_LENGTH,
  type Precision,
} from './interfaces.js';

export interface ResolvedEmbedderOptions {
  readonly precision: Precision;
  readonly graph: GraphKey;
  readonly engine: EngineSetting;
  readonly modelDir: string;
  readonly sessions: number;
  readonly threads: number;
  readonly maxBatchSize: number;
  readonly maxBatchTokens: number;
  readonly sortWindow: number;
  readonly profileDir: string | undefined;
}

export const EMBEDDER_DEFAULTS = {
  precision: 'int8',
  /** At most this many; fewer when the CPU budget (cgroup quota, else cores) is smaller. */
  sessions: DEFAULT_MAX_SESSIONS,
  maxBatchSize: 64,
  maxBatchTokens: 512,
  sortWindow: 2048,
} as const;

function positiveInteger(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** Fills in defaults and rejects impossible settings with a message naming the option. */
export function resolveEmbedderOptions(options: EmbedderOptions = {}): ResolvedEmbedderOptions {
  const precision = options.precision ?? EMBEDDER_DEFAULTS.precision;
  if (precision !== 'int8' && precision !== 'fp32') {
    throw new RangeError(`precision must be 'int8' or 'fp32', got ${String(precision)}`);
  }
  const engine = options.engine ?? 'auto';
  if (!ENGINE_SETTINGS.includes(engine)) {
    throw new RangeError(`engine must be 'auto', 'native' or 'onnxruntime', got ${String(engine)}`);
  }
  if (engine === 'native' && precision !== 'int8')
    throw new RangeError('the native engine runs int8 graphs only');
  const graph = options.graph ?? precision;
  if (graphFile(graph).precision !== precision) {
    throw new RangeError(`graph '${graph}' is not a ${precision} graph`);
  }
  // The cgroup files are read only when a count is left unset.
  const counts =
    options.sessions !== undefined && options.threads !== undefined
      ? { sessions: options.sessions, threads: options.threads }
      : sizeInference(options, readCpuBudget());
  return {
    precision,
    graph,
    engine,
    modelDir: options.modelDir ?? defaultModelDir(),
    sessions: positiveInteger('sessions', counts.sessions),
    threads: positiveInteger('threads', counts.threads),
    maxBatchSize: positiveInteger('maxBatchSize', options.maxBatchSize ?? EMBEDDER_DEFAULTS.maxBatchSize),
    // A batch must hold at least one chunk of the longest possible length.
    maxBatchTokens: positiveInteger(
      'maxBatchTokens',
      options.maxBatchTokens ?? EMBEDDER_DEFAULTS.maxBatchTokens,
      MAX_SEQUENCE_LENGTH,
    ),
    sortWindow: positiveInteger('sortWindow', options.sortWindow ?? EMBEDDER_DEFAULTS.sortWindow),
    profileDir: options.profileDir,
  };
}
