import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureModel, modelFiles, type Precision } from '@embedq/model';

export interface PrepareModelOptions {
  /** A folder the user chose, only checked; undefined: the repository's model, built when needed. */
  readonly modelDir: string | undefined;
  readonly precision: Precision;
  /** Also needs the transformers.js-layout folder for the peer. */
  readonly peer: boolean;
  /** Check the repository's model against its lock (hashes ~160 MB), not only that its files exist. */
  readonly verify: boolean;
  readonly log: (line: string) => void;
}

/**
 * Makes sure the model is there before anything runs, so it is built (if ever) once, here, and
 * never in a child process or inside a timed figure.
 */
export async function prepareModel(options: PrepareModelOptions): Promise<void> {
  const files = modelFiles(options.modelDir);
  const needed = [
    options.precision === 'int8' ? files.int8 : files.fp32,
    files.tokenizer,
    ...(options.peer ? peerFiles(files.peerDir, options.precision) : []),
  ];
  const missing = (): string[] => needed.filter((file) => !existsSync(file));
  if (options.modelDir === undefined && (options.verify || missing().length > 0)) {
    await ensureModel({ log: (line) => options.log(`[model] ${line}`) });
  }
  const absent = missing();
  if (absent.length > 0) throw new Error(`the model folder ${files.dir} lacks ${absent.join(', ')}`);
}

/** What transformers.js loads for dtype 'q8' (int8) or 'fp32'. */
function peerFiles(peerDir: string, precision: Precision): string[] {
  const graph = precision === 'int8' ? 'model_quantized.onnx' : 'model.onnx';
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', graph)].map((f) =>
    join(peerDir, f),
  );
}
