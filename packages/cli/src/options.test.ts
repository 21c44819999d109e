import { describe, expect, it } from 'vitest';
import {
  optional,
  parseCommandArgs,
  parseCount,
  parseDecimalInRange,
  parsePrecision,
  parseWholeInRange,
} from './options.js';
import { UsageError } from './usage-error.js';

describe('parseCount', () => {
  it('accepts plain and grouped digits', () => {
    expect(parseCount('bench', 'chunks', '200')).toBe(200);
    expect(parseCount('bench', 'chunks', '10_000')).toBe(10_000);
    expect(parseCount('bench', 'chunks', '20,000')).toBe(20_000);
  });

  it.each(['0', '-5', '1.5', '1e4', 'ten', '', ' 5', '99999999999999999999'])('rejects %j', (value) => {
    expect(() => parseCount('bench', 'chunks', value)).toThrow(UsageError);
  });

  it('names the command and the flag', () => {
    expect(() => parseCount('bench', 'batch-size', 'x')).toThrow(
      "bench: --batch-size must be a whole number >= 1, got 'x'",
    );
  });
});

describe('parseWholeInRange', () => {
  it('accepts whole numbers within the range, ends included', () => {
    expect(parseWholeInRange('plan', 'sla', '1', 1, 60)).toBe(1);
    expect(parseWholeInRange('plan', 'sla', '60', 1, 60)).toBe(60);
    expect(parseWholeInRange('plan', 'target', '1_000', 0, 5_000)).toBe(1_000);
  });

  it.each(['0', '61', '-1', '1.5', 'x', ''])('rejects %j for 1..60, naming the range', (value) => {
    expect(() => parseWholeInRange('plan', 'sla', value, 1, 60)).toThrow(
      `plan: --sla must be a whole number 1..60, got '${value}'`,
    );
  });
});

describe('parseDecimalInRange', () => {
  it('accepts plain decimals within the range', () => {
    expect(parseDecimalInRange('plan', 'utilisation', '0.8', 0.05, 1)).toBe(0.8);
    expect(parseDecimalInRange('plan', 'utilisation', '1', 0.05, 1)).toBe(1);
  });

  it.each(['0', '1.01', '.5', '5e-1', '-0.5', 'NaN', ''])('rejects %j', (value) => {
    expect(() => parseDecimalInRange('plan', 'utilisation', value, 0.05, 1)).toThrow(UsageError);
  });
});

describe('parsePrecision', () => {
  it('accepts fp32 and int8 only', () => {
    expect(parsePrecision('embed', 'fp32')).toBe('fp32');
    expect(parsePrecision('embed', 'int8')).toBe('int8');
    expect(() => parsePrecision('embed', 'fp16')).toThrow(
      "embed: --precision must be one of fp32, int8, got 'fp16'",
    );
  });
});

describe('parseCommandArgs', () => {
  const options = { chunks: { type: 'string' }, peer: { type: 'boolean' } } as const;

  it('parses options and positionals, and -- ends options', () => {
    const { values, positionals } = parseCommandArgs('x', ['--chunks', '5', 'a', '--', '--peer'], options);
    expect(values).toEqual({ chunks: '5' });
    expect(positionals).toEqual(['a', '--peer']);
  });

  it('turns parse errors into UsageError naming the command', () => {
    const unknown = (): unknown => parseCommandArgs('bench', ['--chunk', '5'], options);
    expect(unknown).toThrow(UsageError);
    expect(unknown).toThrow(/^bench: Unknown option '--chunk'/);
    expect(() => parseCommandArgs('bench', ['--chunks'], options)).toThrow(
      /bench: Option '--chunks <value>' argument missing/,
    );
    expect(() => parseCommandArgs('bench', ['--peer=yes'], options)).toThrow(UsageError);
  });
});

describe('optional', () => {
  it('omits undefined values', () => {
    expect(optional('threads', undefined)).toEqual({});
    expect(optional('threads', 2)).toEqual({ threads: 2 });
  });
});
