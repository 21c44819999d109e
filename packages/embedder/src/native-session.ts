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
  /** The kernel sets this CPU runs, best first. */
  kernelSets(): KernelSet[];
  create(tensors: Initializers, kernelSet: KernelSet): NativeHandle;
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

/**
 * The native engine's two kernel sets: AVX-512 VNNI (vpdpbusd) and AVX2 (vpmaddubsw + vpmaddwd,
 * exact for the graph's 7-bit weights). The best the CPU runs is used unless EMBEDQ_NATIVE_KERNELS
 * names another.
 */
export const KERNEL_SETS = ['avx512-vnni', 'avx2'] as const;
export type KernelSet = (typeof KERNEL_SETS)[number];

/** Where one native session's time went since its reserve run (`embedq bench --profile`). */
export interface NativeStats {
  readonly kernels: KernelSet;
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

type NativeEncoder =
  | { binding: NativeBinding; kernelSet: KernelSet; runnable: readonly KernelSet[] }
  | { unavailable: string };
let loaded: NativeEncoder | undefined;

/**
 * The native encoder's addon and the kernel set it runs here, or why this process cannot use it:
 * not built (no C compiler at install), built for another system, a CPU without AVX2, or an
 * EMBEDQ_NATIVE_KERNELS this CPU does not run. Read once per thread.
 */
export function nativeEncoder(): NativeEncoder {
  if (loaded !== undefined) return loaded;
  const addon = loadAddon();
  if ('unavailable' in addon) {
    loaded = addon;
    return loaded;
  }
  const { binding } = addon;
  const runnable = binding.kernelSets();
  const picked = pickKernelSet(runnable, process.env.EMBEDQ_NATIVE_KERNELS);
  loaded = 'kernelSet' in picked ? { binding, kernelSet: picked.kernelSet, runnable } : picked;
  return loaded;
}

let addon: { binding: NativeBinding } | { unavailable: string } | undefined;
function loadAddon(): { binding: NativeBinding } | { unavailable: string } {
  if (addon !== undefined) return addon;
  if (!existsSync(ADDON)) {
    addon = { unavailable: `it was not built (${ADDON} is missing; the build needs a C compiler)` };
    return addon;
  }
  try {
    addon = { binding: createRequire(import.meta.url)(ADDON) as NativeBinding };
  } catch (error) {
    // A build from another machine (another libc or architecture) must not stop ONNX Runtime.
    addon = {
      unavailable: `${ADDON} does not load here: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return addon;
}

/**
 * The kernel sets the CPU runs as this process sees it (cpuid, which a preloaded library can
 * narrow: scripts/measure-avx2-kernels.sh), whatever EMBEDQ_NATIVE_KERNELS asks; [] without the addon.
 */
export function cpuKernelSets(): readonly KernelSet[] {
  const loaded = loadAddon();
  return 'binding' in loaded ? loaded.binding.kernelSets() : [];
}

/**
 * Of the sets this CPU runs (best first), the one `asked` names (EMBEDQ_NATIVE_KERNELS), or the
 * best when nothing is asked.
 */
export function pickKernelSet(
  runnable: readonly KernelSet[],
  asked: string | undefined,
): { kernelSet: KernelSet } | { unavailable: string } {
  if (asked === undefined || asked === '') {
    const best = runnable[0];
    return best === undefined
      ? { unavailable: 'this CPU has neither AVX-512 VNNI nor AVX2 with FMA and F16C' }
      : { kernelSet: best };
  }
  const set = KERNEL_SETS.find((name) => name === asked);
  if (set === undefined) {
    return { unavailable: `EMBEDQ_NATIVE_KERNELS=${asked} is not one of ${KERNEL_SETS.join(', ')}` };
  }
  return runnable.includes(set)
    ? { kernelSet: set }
    : {
        unavailable: `EMBEDQ_NATIVE_KERNELS=${asked}, and this CPU runs ${runnable.length > 0 ? runnable.join(', ') : 'neither set'}`,
      };
}

/** The kernel set the native engine runs in this process, or undefined when it cannot run. */
export function nativeKernelSet(): KernelSet | undefined {
  const native = nativeEncoder();
  return 'kernelSet' in native ? native.kernelSet : undefined;
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

  /**
   * With `profilePrefix`, writes the session's stage times to `<prefix>.native.json` when released;
   * `kernelSet` (for tests and measurements) overrides the process's (see `nativeEncoder`).
   */
  static async open(
    modelPath: string,
    options: { readonly profilePrefix?: string; readonly kernelSet?: KernelSet } = {},
  ): Promise<NativeSession> {
    const { profilePrefix, kernelSet } = options;
    const native = nativeEncoder();
    if ('unavailable' in native) throw new Error(`the native engine is unavailable: ${native.unavailable}`);
    if (kernelSet !== undefined && !native.runnable.includes(kernelSet)) {
      throw new Error(`this CPU does not run the native engine's ${kernelSet} kernels`);
    }
    const tensors = await readInitializers(modelPath);
    if (!('layer0_qkv_wq' in tensors))
      throw new Error(`${modelPath} is not an int8 graph the native engine runs`);
    const kernels = kernelSet ?? native.kernelSet;
    return new NativeSession(native.binding, native.binding.create(tensors, kernels), profilePrefix);
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
