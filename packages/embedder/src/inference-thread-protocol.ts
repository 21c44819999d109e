/** Messages between the embedder and its inference threads (`inference-thread.ts`). */
import type { Engine } from './interfaces.js';

export interface InferenceThreadData {
  readonly modelPath: string;
  readonly engine: Engine;
  readonly threads: number;
  readonly limits: { readonly maxBatchSize: number; readonly maxBatchTokens: number };
  readonly padId: number;
  /** Folder for ONNX Runtime's per-operator profile of this thread's session (see EmbedderOptions). */
  readonly profileDir?: string | undefined;
}

/** Embedder -> thread: one padded batch to run, or the order to release the session and exit. */
export type ToThread =
  | {
      readonly type: 'run';
      readonly ids: Int32Array<ArrayBuffer>;
      readonly mask: Int32Array<ArrayBuffer>;
      readonly rows: number;
      readonly columns: number;
      readonly tokens: number;
    }
  | { readonly type: 'close' };

/** Thread -> embedder. A thread runs one batch at a time, so a result needs no id. */
export type FromThread =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'result'; readonly vectors: Float32Array<ArrayBuffer> }
  | { readonly type: 'error'; readonly message: string };
