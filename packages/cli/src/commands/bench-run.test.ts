import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../bench/interfaces.js';
import { specToArgs } from '../bench/run-child.js';
import { UsageError } from '../usage-error.js';
import { parseBenchRunArgs } from './bench-run.js';

describe('parseBenchRunArgs', () => {
  it('reads back what the parent writes', () => {
    const specs: RunSpec[] = [
      { engine: 'embedq', chunks: 200, batchSize: 64, precision: 'int8' },
      {
        engine: 'embedq',
        chunks: 20_000,
        batchSize: 32,
        precision: 'fp32',
        threads: 1,
        sessions: 2,
        inference: 'native',
        maxBatchTokens: 2048,
        modelDir: '/m',
        settleEvery: 5000,
        profileDir: '/p',
      },
      { engine: 'peer', chunks: 10_000, batchSize: 64, precision: 'int8', modelDir: '/m' },
    ];
    for (const spec of specs) expect(parseBenchRunArgs(specToArgs(spec), '/cwd')).toEqual(spec);
  });

  it('requires every figure and a known engine', () => {
    const embedq = ['--engine', 'embedq', '--chunks', '1', '--batch-size', '1', '--precision', 'int8'];
    expect(() => parseBenchRunArgs(['--engine', 'embedq'], '/')).toThrow(/--chunks is required/);
    expect(() => parseBenchRunArgs([...embedq, '--inference', 'gpu'], '/')).toThrow(
      /--inference must be auto, native or onnxruntime/,
    );
    expect(() =>
      parseBenchRunArgs(
        ['--engine', 'torch', '--chunks', '1', '--batch-size', '1', '--precision', 'int8'],
        '/',
      ),
    ).toThrow(UsageError);
    expect(() => parseBenchRunArgs([...embedq, '--settle-every', '0'], '/')).toThrow(/settle-every/);
  });
});
