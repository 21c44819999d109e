import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { parseBenchArgs } from './bench.js';

const env = { modelDir: undefined, userCwd: '/home/me', debug: false, vars: {} };

describe('parseBenchArgs', () => {
  it('has the documented defaults', () => {
    const args = parseBenchArgs([], env);
    expect(args).toMatchObject({
      help: false,
      matrix: false,
      chunks: 10_000,
      batchSize: 64,
      precision: 'int8',
      peer: false,
      repeat: 1,
      threads: undefined,
      inference: undefined,
      maxBatchTokens: undefined,
      json: undefined,
      modelDir: undefined,
    });
    expect(args.out.endsWith('/reports')).toBe(true);
  });

  it('parses every option; paths are relative to the user cwd', () => {
    const args = parseBenchArgs(
      [
        '--chunks',
        '200',
        '--batch-size',
        '32',
        '--precision',
        'fp32',
        '--peer',
        '--json',
        'b.json',
        '--threads',
        '1',
        '--engine',
        'onnxruntime',
        '--max-batch-tokens',
        '2048',
        '--repeat',
        '2',
      ],
      env,
    );
    expect(args).toMatchObject({
      chunks: 200,
      batchSize: 32,
      precision: 'fp32',
      peer: true,
      json: '/home/me/b.json',
      threads: 1,
      inference: 'onnxruntime',
      maxBatchTokens: 2048,
      repeat: 2,
    });
  });

  it('repeats the matrix 3 times by default and writes where --out says', () => {
    expect(parseBenchArgs(['--matrix', '--out', 'r'], env)).toMatchObject({
      matrix: true,
      repeat: 3,
      out: '/home/me/r',
    });
  });

  it.each([
    [['--chunks', '0'], /--chunks must be a whole number >= 1/],
    [['--batch-size', 'big'], /--batch-size must be a whole number/],
    [['--precision', 'q8'], /--precision must be one of fp32, int8/],
    [['--repeat', '-1'], /bench: Option '--repeat' argument is ambiguous/],
    [['--repeat=-1'], /--repeat must be a whole number >= 1, got '-1'/],
    [['--matrix', '--batch-size', '32'], /--batch-size does not go with --matrix/],
    [['--out', 'r'], /--out goes with --matrix/],
    [['--max-batch-tokens', '100'], /--max-batch-tokens must be a whole number >= 256/],
    [['--engine', 'gpu'], /--engine must be auto, native or onnxruntime, got 'gpu'/],
    [['--from-json', 'r.json'], /--from-json goes with --matrix/],
    [['--peer=1'], /bench:/],
    [['--chunks'], /argument missing/],
    [['10000'], /unexpected argument '10000'/],
    [['--nope'], /Unknown option '--nope'/],
  ])('rejects %j', (args, message) => {
    expect(() => parseBenchArgs(args, env)).toThrow(UsageError);
    expect(() => parseBenchArgs(args, env)).toThrow(message);
  });
});
