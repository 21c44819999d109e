import { availableParallelism } from 'node:os';
import { defaultModelDir } from '@embedq/model';
import { type EmbedderOptions, MAX_SEQUENCE_LENGTH, type Precision } from './interfaces.js';

export interface ResolvedEmbedderOptions {
  readonly precision: Precision;
  readonly modelDir: string;
  readonly threads: number;
  readonly maxBatchSize: number;
  readonly maxBatchTokens: number;
  readonly sortWindow: number;
}

export const EMBEDDER_DEFAULTS = {
  precision: 'int8',
  maxBatchSize: 64,
  maxBatchTokens: 2048,
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
  return {
    precision,
    modelDir: options.modelDir ?? defaultModelDir(),
    threads: positiveInteger('threads', options.threads ?? availableParallelism()),
    maxBatchSize: positiveInteger('maxBatchSize', options.maxBatchSize ?? EMBEDDER_DEFAULTS.maxBatchSize),
    // A batch must hold at least one chunk of the longest possible length.
    maxBatchTokens: positiveInteger(
      'maxBatchTokens',
      options.maxBatchTokens ?? EMBEDDER_DEFAULTS.maxBatchTokens,
      MAX_SEQUENCE_LENGTH,
    ),
    sortWindow: positiveInteger('sortWindow', options.sortWindow ?? EMBEDDER_DEFAULTS.sortWindow),
  };
}
