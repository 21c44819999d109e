import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_SECONDS, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['3600', 3_600],
    ['45s', 45],
    ['30m', 1_800],
    ['24h', 86_400],
    ['7d', 604_800],
    ['2w', 1_209_600],
    ['1h30m', 5_400],
    ['1d12h', 129_600],
    ['12m05s', 725],
    [' 7D ', 604_800],
    [String(MAX_DURATION_SECONDS), MAX_DURATION_SECONDS],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    '',
    'm',
    '-5',
    '1.5h',
    '7 d',
    '30x',
    '30m1h',
    '1h1h',
    'h30m',
    '1h 30m',
    '1e3',
    '24hours',
    String(MAX_DURATION_SECONDS + 1),
    '99999999999d',
  ])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59.4, '59s'],
    [60, '1m'],
    [725, '12m05s'],
    [3_600, '1h'],
    [5_400, '1h30m'],
    [86_400, '1d'],
    [129_600, '1d12h'],
    [604_800, '7d'],
    [-3, '0s'],
  ])('writes %d seconds as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('writes what parseDuration reads back (to the units it keeps)', () => {
    for (const seconds of [0, 45, 60, 725, 3_600, 5_400, 86_400, 129_600]) {
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    }
  });
});
