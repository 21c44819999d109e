import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Initializers, readInitializers } from '@embedq/model';
import type { BatchRunner } from './batch-runner.js';
import { EMBEDDING_DIMENSIONS, MAX_SEQUENCE_LENGTH as MAX_POSITIONS } from './interfaces.js';
import { fullBatch, type PaddedBatch } from './padded-batch.js';

/** The addon built from native/ (`native/build.mjs`, run by the package's build). */
interface NativeBinding {
  supported(): boolean;
  create(tensors: Initializers): NativeHandle;
  encode(
    encoder: NativeHandle,
    ids: Int32Array,
    mask: Int32Array,
    rows: number,
    columns: number,
  ): Float32Array;
  close(encoder: NativeHandle): void;
  stats(encoder: NativeHandle): NativeStats;
  resetStats(encoder: NativeHandle): void;
}

/** Where one native session's time went since its reserve run (`embedq bench --profile`). */
export interface NativeStats {
  readonly runs: number;
  /** Real tokens encoded: the native engine never computes padding. */
  readonly tokens: number;
  readonly runSeconds: number;
  readonly stages: readonly NativeStage[];
}
export interface NativeStage {
  /** Embed, Quantize, Int8Gemm, Int8GemmGelu (GELU fused into the GEMM's output), Attention, LayerNorm, Pooling. */
  readonly op: string;
  readonly calls: number;
  readonly seconds: number;
  /** int ops (multiply-adds x 2) for the GEMMs, float ops for attention, elements for the rest. */
  readonly work: number;
}

/** What a profiled native session writes when released: `<prefix>.native.json`. */
export interface NativeProfileFile extends NativeStats {
  readonly engine: 'native';
}
export const NATIVE_PROFILE_SUFFIX = '.native.json';
declare const handle: unique symbol;
type NativeHandle = { readonly [handle]: true };

/** src/ and dist/ both sit beside native/. */
const ADDON = fileURLToPath(new URL('../native/build/embedq_native.node', import.meta.url));

let loaded: { binding: NativeBinding } | { unavailable: string } | undefined;

/**
 * The native encoder's addon, or why this process cannot use it: not built (no C compiler at
 * install), built for another system, or a CPU without AVX-512 VNNI (every kernel needs it).
 * Read once per thread.
 */
export function nativeEncoder(): { binding: NativeBinding } | { unavailable: string } {
  if (loaded !== undefined) return loaded;
  if (!existsSync(ADDON)) {
    loaded = { unavailable: `it was not built (${ADDON} is missing; the build needs a C compiler)` };
    return loaded;
  }
  let binding: NativeBinding;
  try {
    binding = createRequire(import.meta.url)(ADDON) as NativeBinding;
  } catch (error) {
    // A build from another machine (another libc or architecture) must not stop ONNX Runtime.
    loaded = {
      unavailable: `${ADDON} does not load here: ${error instanceof Error ? error.message : String(error)}`,
    };
    return loaded;
  }
  loaded = binding.supported()
    ? { binding }
    : { unavailable: 'this CPU has no AVX-512 VNNI (avx512f, bw, vl, dq and vnni are all needed)' };
  return loaded;
}

/** Why this process cannot run the native engine, or undefined when it can. */
export function nativeEngineUnavailable(): string | undefined {
  const native = nativeEncoder();
  return 'unavailable' in native ? native.unavailable : undefined;
}

/**
 * The int8 graph run by embedq's own kernels (native/): the graph file's own weights, operator
 * for operator, on the calling thread. Same interface as `ModelSession`.
 */
export class NativeSession implements BatchRunner {
  readonly capacity = 1;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  private encoder: NativeHandle | undefined;

  private constructor(
    private readonly binding: NativeBinding,
    encoder: NativeHandle,
    private readonly profilePrefix: string | undefined,
  ) {
    this.encoder = encoder;
  }

  /** With `profilePrefix`, writes the session's stage times to `<prefix>.native.json` when released. */
  static async open(modelPath: string, profilePrefix?: string): Promise<NativeSession> {
    const native = nativeEncoder();
    if ('unavailable' in native) throw new Error(`the native engine is unavailable: ${native.unavailable}`);
    const tensors = await readInitializers(modelPath);
    if (!('layer0_qkv_wq' in tensors))
      throw new Error(`${modelPath} is not an int8 graph the native engine runs`);
    return new NativeSession(native.binding, native.binding.create(tensors), profilePrefix);
  }

  async run(batch: PaddedBatch): Promise<Float32Array<ArrayBuffer>> {
    if (this.encoder === undefined) throw new Error('the native session was released');
    const ids = batch.ids.subarray(0, batch.rows * batch.columns);
    const mask = batch.mask.subarray(0, batch.rows * batch.columns);
    return this.binding.encode(
      this.encoder,
      ids,
      mask,
      batch.rows,
      batch.columns,
    ) as Float32Array<ArrayBuffer>;
  }

  /** Grows the scratch to the largest batch once, as `ModelSession.reserve` sizes ORT's arena. */
  async reserve(limits: { maxBatchSize: number; maxBatchTokens: number }, padId: number): Promise<void> {
    const rows = Math.max(1, Math.floor(limits.maxBatchTokens / MAX_POSITIONS));
    await this.run(fullBatch(rows, Math.min(MAX_POSITIONS, limits.maxBatchTokens), padId));
    // A profile counts the real batches only, as ONNX Runtime's leaves out its reserve runs.
    if (this.encoder !== undefined) this.binding.resetStats(this.encoder);
  }

  async release(): Promise<void> {
    if (this.encoder === undefined) return;
    const encoder = this.encoder;
    this.encoder = undefined;
    try {
      if (this.profilePrefix !== undefined) {
        const file: NativeProfileFile = { engine: 'native', ...this.binding.stats(encoder) };
        await writeFile(`${this.profilePrefix}${NATIVE_PROFILE_SUFFIX}`, JSON.stringify(file));
      }
    } finally {
      this.binding.close(encoder);
    }
  }
}
