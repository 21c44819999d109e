import type { PaddedBatch } from './padded-batch.js';

/** Runs padded batches through the model: one ONNX Runtime session, or several on their own threads. */
export interface BatchRunner {
  /** Batches it runs at the same time; the embedder never starts more. */
  readonly capacity: number;
  /** Returns rows x dimensions floats, row-major. */
  run(batch: PaddedBatch): Promise<Float32Array>;
  release(): Promise<void>;
}
