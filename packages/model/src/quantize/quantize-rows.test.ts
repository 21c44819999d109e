import { describe, expect, it } from 'vitest';
import { halfToFloat } from '../safetensors.js';
import { quantizeRows } from './quantize-rows.js';

/** float32 -> IEEE half bits, for values a half holds exactly (the test's inputs). */
function toHalf(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  const bits = view.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (value === 0) return sign;
  return sign | (exponent << 10) | ((bits >>> 13) & 0x3ff);
}

describe('quantizeRows', () => {
  it('scales each row by its own largest magnitude, so a large row coarsens no other', () => {
    const rows = [
      [0.5, -0.25, 0.125, 0],
      [64, -32, 16, 1],
      [0, 0, 0, 0],
    ];
    const halves = Uint16Array.from(rows.flat().map(toHalf));
    expect(Array.from(halves, halfToFloat)).toEqual(rows.flat());
    const q = quantizeRows(halves, 3, 4);
    expect(Array.from(q.scale)).toEqual([0.5 / 127, 64 / 127, 1].map(Math.fround));
    expect(Array.from(q.values.subarray(0, 4))).toEqual([127, -63, 32, 0]); // -63.5 rounds up
    expect(Array.from(q.values.subarray(4, 8))).toEqual([127, -63, 32, 2]);
    expect(Array.from(q.values.subarray(8))).toEqual([0, 0, 0, 0]);
    // Every value comes back within half a step of its row's scale (float32 scales: a hair more).
    for (const [r, row] of rows.entries()) {
      const scale = q.scale[r] as number;
      for (const [c, value] of row.entries()) {
        const back = (q.values[r * 4 + c] as number) * scale;
        expect(Math.abs(back - value)).toBeLessThanOrEqual((scale / 2) * (1 + 1e-6));
      }
    }
  });

  it('refuses a table whose size does not match its shape', () => {
    expect(() => quantizeRows(new Uint16Array(5), 2, 3)).toThrow('a 2x3 table needs 6 values, got 5');
  });
});
