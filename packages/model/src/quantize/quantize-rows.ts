import { halfToFloat } from '../safetensors.js';

/** A table of int8 rows with one float scale per row (symmetric, zero point 0). */
export interface QuantizedRows {
  readonly rows: number;
  readonly columns: number;
  readonly values: Int8Array;
  /** [rows, 1], so a gathered scale broadcasts over its row. */
  readonly scale: Float32Array;
}

/**
 * Symmetric per-row int8 quantisation of a float16 table (the word embeddings): each row is read
 * by a Gather and scaled back by its own factor, so one rare token's large values coarsen no
 * other token's row.
 */
export function quantizeRows(halfBits: Uint16Array, rows: number, columns: number): QuantizedRows {
  if (halfBits.length !== rows * columns) {
    throw new RangeError(`a ${rows}x${columns} table needs ${rows * columns} values, got ${halfBits.length}`);
  }
  const values = new Int8Array(rows * columns);
  const scale = new Float32Array(rows);
  const row = new Float32Array(columns);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < columns; c++) {
      row[c] = halfToFloat(halfBits[r * columns + c]!);
      maxAbs = Math.max(maxAbs, Math.abs(row[c]!));
    }
    const s = maxAbs > 0 ? maxAbs / 127 : 1;
    scale[r] = s;
    for (let c = 0; c < columns; c++) values[r * columns + c] = Math.round(row[c]! / s);
  }
  return { rows, columns, values, scale };
}
