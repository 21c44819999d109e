import { FUSED_INPUTS, FUSED_OUTPUT } from '@embedq/model/graph-io';
import * as ort from 'onnxruntime-node';
import type { BatchRunner } from './batch-runner.js';
import { EMBEDDING_DIMENSIONS, MAX_SEQUENCE_LENGTH as MAX_POSITIONS } from './interfaces.js';
import { fullBatch, type PaddedBatch } from './padded-batch.js';

export interface ModelSessionOptions {
  readonly modelPath: string;
  readonly threads: number;
  /**
   * Records ONNX Runtime's per-operator profile; the file (`<prefix>_<date>.json`) is written when
   * the session is released. For measurement only: it slows inference by a few percent.
   */
  readonly profilePrefix?: string | undefined;
}

/** Runs `reserve` makes before any real batch: a profile of the session leaves them out. */
export const RESERVE_RUNS = 2;

/** One ONNX Runtime session of the fused graph: padded ids in, pooled unit vectors out. */
export class ModelSession implements BatchRunner {
  /** Runs on the calling thread, so one batch at a time. */
  readonly capacity = 1;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly dimensions: number,
    private readonly profiling: boolean,
  ) {}

  static async open(options: ModelSessionOptions): Promise<ModelSession> {
    const session = await ort.InferenceSession.create(options.modelPath, {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Shapes change with every batch, so a memory pattern from one run does not fit the next.
      enableMemPattern: false,
      ...(options.profilePrefix === undefined
        ? {}
        : { enableProfiling: true, profileFilePrefix: options.profilePrefix }),
    });
    const missing = [FUSED_INPUTS.ids, FUSED_INPUTS.mask].filter(
      (name) => !session.inputNames.includes(name),
    );
    if (missing.length > 0 || !session.outputNames.includes(FUSED_OUTPUT)) {
      await session.release();
      throw new Error(`${options.modelPath} is not an embedq sentence-embedding graph`);
    }
    return new ModelSession(session, EMBEDDING_DIMENSIONS, options.profilePrefix !== undefined);
  }

  /** Returns rows x dimensions floats, row-major. */
  async run(batch: PaddedBatch): Promise<Float32Array<ArrayBuffer>> {
    const shape = [batch.rows, batch.columns];
    const result = await this.session.run({
      [FUSED_INPUTS.ids]: new ort.Tensor('int32', batch.ids, shape),
      [FUSED_INPUTS.mask]: new ort.Tensor('int32', batch.mask, shape),
    });
    const output = result[FUSED_OUTPUT];
    if (!output || output.dims[0] !== batch.rows || output.dims[1] !== this.dimensions) {
      throw new Error(
        `the model returned ${output?.dims.join('x') ?? 'nothing'}, expected ${batch.rows}x${this.dimensions}`,
      );
    }
    // onnxruntime-node copies each output into an ArrayBuffer of its own, which can be transferred.
    return output.data as Float32Array<ArrayBuffer>;
  }

  /**
   * Runs the largest batches the limits allow once, with dummy ids. ONNX Runtime's CPU arena keeps
   * the most it has ever held, so sizing it now keeps RSS flat afterwards instead of stepping up
   * whenever a bigger batch first arrives, and the first real batch pays no allocation cost.
   */
  async reserve(limits: { maxBatchSize: number; maxBatchTokens: number }, padId: number): Promise<void> {
    const longest = Math.min(MAX_POSITIONS, limits.maxBatchTokens);
    const shapes: [number, number][] & { length: typeof RESERVE_RUNS } = [
      [Math.max(1, Math.floor(limits.maxBatchTokens / longest)), longest],
      [limits.maxBatchSize, Math.max(1, Math.floor(limits.maxBatchTokens / limits.maxBatchSize))],
    ];
    for (const [rows, columns] of shapes) await this.run(fullBatch(rows, columns, padId));
  }

  async release(): Promise<void> {
    if (this.profiling) this.session.endProfiling();
    await this.session.release();
  }
}
