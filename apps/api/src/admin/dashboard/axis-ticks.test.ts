import { describe, expect, it } from 'vitest';
import { niceStep, numberAxis, secondsAxis, TICK_STEPS } from './axis-ticks.js';

const labels = (axis: { ticks: readonly { label: string }[] }) => axis.ticks.map((t) => t.label);

/** Tops from 0.1 ms to a day, at several points of each decade. */
const TOPS = [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5].flatMap((power) =>
  [1, 1.3, 2.2, 3.9, 4.9, 7.7, 9.6].map((m) => m * 10 ** power),
);

describe('niceStep', () => {
  it('picks 1, 2, 2.5 or 5 times a power of ten, four of which reach the top', () => {
    expect(niceStep(500)).toBe(200);
    expect(niceStep(100)).toBe(25);
    expect(niceStep(3.9)).toBe(1);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(512 * 1.05) * TICK_STEPS).toBeGreaterThanOrEqual(512 * 1.05);
  });
});

describe('secondsAxis', () => {
  it('reads small waits in milliseconds', () => {
    expect(labels(secondsAxis(0.09))).toEqual(['0 ms', '25 ms', '50 ms', '75 ms', '100 ms']);
    expect(labels(secondsAxis(0.0009))).toEqual(['0 ms', '0.25 ms', '0.5 ms', '0.75 ms', '1 ms']);
    expect(secondsAxis(0.09).max).toBeCloseTo(0.1, 12);
  });

  it('reads seconds, then minutes and hours, each with a step nice in its unit', () => {
    expect(labels(secondsAxis(1.5))).toEqual(['0 s', '0.5 s', '1 s', '1.5 s', '2 s']);
    expect(labels(secondsAxis(42))).toEqual(['0 s', '20 s', '40 s', '60 s', '80 s']);
    expect(labels(secondsAxis(400))).toEqual(['0 min', '2 min', '4 min', '6 min', '8 min']);
    expect(secondsAxis(400).max).toBe(480);
    expect(labels(secondsAxis(3 * 3_600))).toEqual(['0 h', '1 h', '2 h', '3 h', '4 h']);
  });

  it('reads an empty chart in seconds', () => {
    expect(labels(secondsAxis(0))).toEqual(['0 s', '1 s', '2 s', '3 s', '4 s']);
  });

  it.each(TOPS)('gives a top of %s s five distinct labels and room above it', (top) => {
    const axis = secondsAxis(top);
    expect(new Set(labels(axis)).size).toBe(TICK_STEPS + 1);
    expect(axis.max).toBeGreaterThanOrEqual(top);
    for (const label of labels(axis)) expect(label).toMatch(/^\d+(\.\d+)? (ms|s|min|h)$/);
  });
});

describe('numberAxis', () => {
  it('shortens thousands and millions, keeping the decimals the step needs', () => {
    expect(labels(numberAxis(600, '/s'))).toEqual(['0/s', '200/s', '400/s', '600/s', '800/s']);
    expect(labels(numberAxis(900))).toEqual(['0', '250', '500', '750', '1k']);
    expect(labels(numberAxis(9_000))).toEqual(['0', '2.5k', '5k', '7.5k', '10k']);
    expect(labels(numberAxis(3_000_000))).toEqual(['0', '1M', '2M', '3M', '4M']);
    expect(labels(numberAxis(0.09, '/s'))).toEqual(['0/s', '0.025/s', '0.05/s', '0.075/s', '0.1/s']);
  });

  it.each(TOPS)('gives a top of %s five distinct labels', (top) => {
    const axis = numberAxis(top);
    expect(new Set(labels(axis)).size).toBe(TICK_STEPS + 1);
    expect(axis.max).toBeGreaterThanOrEqual(top);
  });
});
