import { defaultModelDir } from '@embedq/model';
import { describe, expect, it } from 'vitest';
import { readCpuBudget } from './cpu-budget.js';
import { EMBEDDER_DEFAULTS, resolveEmbedderOptions } from './embedder-options.js';
import { type EmbedderOptions, MAX_SEQUENCE_LENGTH } from './interfaces.js';

// The CPUs the defaults divide: the cgroup quota where one is set, else the cores.
const cpus = readCpuBudget().cpus;

describe('resolveEmbedderOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveEmbedderOptions()).toEqual({
      precision: 'int8',
      graph: 'int8',
      engine: 'auto',
      modelDir: defaultModelDir(),
      sessions: Math.min(2, cpus),
      threads: Math.max(1, Math.floor(cpus / Math.min(2, cpus))),
      maxBatchSize: 64,
      maxBatchTokens: 512,
      sortWindow: 2048,
    });
    expect(resolveEmbedderOptions({})).toEqual(resolveEmbedderOptions());
    expect(EMBEDDER_DEFAULTS).toEqual({
      precision: 'int8',
      sessions: 2,
      maxBatchSize: 64,
      maxBatchTokens: 512,
      sortWindow: 2048,
    });
  });

  it('splits the CPU budget among the sessions unless threads are given', () => {
    expect(resolveEmbedderOptions({ sessions: 1 }).threads).toBe(cpus);
    expect(resolveEmbedderOptions({ sessions: 1, threads: 3 }).threads).toBe(3);
    expect(resolveEmbedderOptions({ sessions: 4 * cpus }).threads).toBe(1);
  });

  it('keeps every option that is given', () => {
    const options = {
      precision: 'int8',
      graph: 'int8-v1',
      engine: 'onnxruntime',
      modelDir: '/models/minilm',
      sessions: 3,
      threads: 1,
      maxBatchSize: 1,
      maxBatchTokens: MAX_SEQUENCE_LENGTH,
      sortWindow: 1,
    } as const;
    expect(resolveEmbedderOptions(options)).toEqual(options);
  });

  it('accepts the smallest token budget that still holds one chunk of the longest length', () => {
    expect(resolveEmbedderOptions({ maxBatchTokens: 256 }).maxBatchTokens).toBe(256);
    expect(MAX_SEQUENCE_LENGTH).toBe(256);
  });

  it.each<[string, EmbedderOptions, string]>([
    ['an unknown precision', { precision: 'fp16' as never }, "precision must be 'int8' or 'fp32', got fp16"],
    [
      'an unknown engine',
      { engine: 'gpu' as never },
      "engine must be 'auto', 'native' or 'onnxruntime', got gpu",
    ],
    [
      'the native engine for fp32',
      { precision: 'fp32', engine: 'native' },
      'the native engine runs int8 graphs only',
    ],
    [
      'a graph of another precision',
      { precision: 'fp32', graph: 'int8-v1' },
      "graph 'int8-v1' is not a fp32 graph",
    ],
    ['an unknown graph', { graph: 'int9' as never }, "no graph 'int9'"],
    ['sessions 0', { sessions: 0 }, 'sessions must be an integer >= 1, got 0'],
    ['fractional sessions', { sessions: 2.5 }, 'sessions must be an integer >= 1, got 2.5'],
    ['threads 0', { threads: 0 }, 'threads must be an integer >= 1, got 0'],
    ['fractional threads', { threads: 1.5 }, 'threads must be an integer >= 1, got 1.5'],
    ['maxBatchSize 0', { maxBatchSize: 0 }, 'maxBatchSize must be an integer >= 1, got 0'],
    ['negative maxBatchSize', { maxBatchSize: -4 }, 'maxBatchSize must be an integer >= 1, got -4'],
    ['NaN maxBatchSize', { maxBatchSize: Number.NaN }, 'maxBatchSize must be an integer >= 1, got NaN'],
    [
      'a token budget below one longest chunk',
      { maxBatchTokens: 255 },
      'maxBatchTokens must be an integer >= 256, got 255',
    ],
    [
      'an infinite token budget',
      { maxBatchTokens: Number.POSITIVE_INFINITY },
      'maxBatchTokens must be an integer >= 256, got Infinity',
    ],
    ['sortWindow 0', { sortWindow: 0 }, 'sortWindow must be an integer >= 1, got 0'],
    [
      'a string where a number belongs',
      { sortWindow: '8' as never },
      'sortWindow must be an integer >= 1, got 8',
    ],
  ])('rejects %s with a RangeError that names the option', (_name, options, message) => {
    expect(() => resolveEmbedderOptions(options)).toThrow(RangeError);
    expect(() => resolveEmbedderOptions(options)).toThrow(message);
  });
});
