/** Right-padded ids and attention mask for one inference batch, as the graph takes them. */
export interface PaddedBatch {
  readonly ids: Int32Array;
  readonly mask: Int32Array;
  readonly rows: number;
  readonly columns: number;
  /** Real tokens, without padding. */
  readonly tokens: number;
}

/** Buffers reused from batch to batch, so a long-running embedder makes no garbage per batch here. */
export interface BatchScratch {
  readonly ids: Int32Array;
  readonly mask: Int32Array;
}

export function createBatchScratch(maxTokens: number): BatchScratch {
  return { ids: new Int32Array(maxTokens), mask: new Int32Array(maxTokens) };
}

/**
 * Pads sequences into row-major ids and mask. With `scratch` (large enough), the result is a view
 * into it, valid until the next call with the same scratch.
 */
export function padBatch(
  sequences: readonly Int32Array[],
  padId: number,
  scratch?: BatchScratch,
): PaddedBatch {
  const rows = sequences.length;
  let columns = 0;
  let tokens = 0;
  for (const s of sequences) {
    columns = Math.max(columns, s.length);
    tokens += s.length;
  }
  const size = rows * columns;
  const reuse = scratch !== undefined && scratch.ids.length >= size;
  const ids = (reuse ? scratch.ids.subarray(0, size) : new Int32Array(size)).fill(padId);
  const mask = (reuse ? scratch.mask.subarray(0, size) : new Int32Array(size)).fill(0);
  sequences.forEach((s, row) => {
    ids.set(s, row * columns);
    mask.fill(1, row * columns, row * columns + s.length);
  });
  return { ids, mask, rows, columns, tokens };
}

/** A batch of `rows` x `columns` pad tokens, all unmasked: the largest shapes a session will see. */
export function fullBatch(rows: number, columns: number, padId: number): PaddedBatch {
  const size = rows * columns;
  return {
    ids: new Int32Array(size).fill(padId),
    mask: new Int32Array(size).fill(1),
    rows,
    columns,
    tokens: size,
  };
}
