import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelayMs } from './retry-delay.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('5', now)).toBe(5);
    expect(parseRetryAfter(' 12 ', now)).toBe(12);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date as the seconds until it, 0 when it is past', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('is undefined without the header or with one it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('waits what Retry-After says, at most a minute', () => {
    expect(retryDelayMs(0, 2)).toBe(2_000);
    expect(retryDelayMs(4, 0)).toBe(0);
    expect(retryDelayMs(0, 3_600)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('backs off exponentially without it, jittered between half and all of the step', () => {
    expect(retryDelayMs(0, undefined, () => 0)).toBe(250);
    expect(retryDelayMs(0, undefined, () => 1)).toBe(500);
    expect(retryDelayMs(1, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(3, undefined, () => 1)).toBe(4_000);
    // The step stops growing at 10 s.
    expect(retryDelayMs(10, undefined, () => 0)).toBe(5_000);
    expect(retryDelayMs(10, undefined, () => 1)).toBe(10_000);
  });
});
