/** Right-padded ids and attention mask for one inference batch, as the graph takes them. */
export interface PaddedBatch {
  readonly ids: Int32Array;
  readonly mask: Int32Array;
  readonly rows: number;
  readonly columns: number;
  /** Real tokens, without padding. */
  readonly tokens: number;
}

export function padBatch(sequences: readonly Int32Array[], padId: number): PaddedBatch {
  const rows = sequences.length;
  let columns = 0;
  let tokens = 0;
  for (const s of sequences) {
    columns = Math.max(columns, s.length);
    tokens += s.length;
  }
  const ids = new Int32Array(rows * columns).fill(padId);
  const mask = new Int32Array(rows * columns);
  sequences.forEach((s, row) => {
    ids.set(s, row * columns);
    mask.fill(1, row * columns, row * columns + s.length);
  });
  return { ids, mask, rows, columns, tokens };
}
