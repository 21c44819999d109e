import { describe, expect, it } from 'vitest';
import { optional, parseCommandArgs, parseCount, parsePrecision } from './options.js';
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
