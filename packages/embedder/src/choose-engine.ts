import { type GraphKey, graphFile } from '@embedq/model';
import type { ResolvedEmbedderOptions } from './embedder-options.js';
import type { SizingLogger } from './inference-sizing.js';
import type { Engine, EngineSetting } from './interfaces.js';
import { nativeEncoder, nativeKernelSet } from './native-session.js';

/** Why the native engine cannot run these options here; empty when it can. */
function nativeBlockers(options: ResolvedEmbedderOptions): string[] {
  const blockers: string[] = [];
  if (options.precision !== 'int8') blockers.push('it runs int8 graphs only');
  if (options.threads > 1) {
    blockers.push(
      `it runs one thread per session, and ${options.threads} were set (run more sessions instead)`,
    );
  }
  if (blockers.length === 0) {
    const native = nativeEncoder();
    if ('unavailable' in native) blockers.push(native.unavailable);
  }
  return blockers;
}

/** The engine `options.engine` asks for, where it can run; `auto` prefers the native one. */
export function chooseEngine(options: ResolvedEmbedderOptions): Engine {
  if (options.engine === 'onnxruntime') return 'onnxruntime';
  const blockers = nativeBlockers(options);
  if (blockers.length === 0) return 'native';
  if (options.engine === 'native') throw new Error(`the native engine cannot run: ${blockers.join('; ')}`);
  return 'onnxruntime';
}

/**
 * The engine setting (EMBED_ENGINE) as it applies to one graph: an fp32 graph always runs on ONNX
 * Runtime, so a process set to `native` can still load one for a namespace that needs it.
 */
export function engineFor(graph: GraphKey, setting: EngineSetting): EngineSetting {
  return graphFile(graph).precision === 'int8' ? setting : 'onnxruntime';
}

/** The start-up line beside the sizing one: what runs `graph`, and what was asked for it. */
export function logInferenceEngine(
  logger: Pick<SizingLogger, 'info'>,
  engine: Engine,
  graph: GraphKey,
  asked: EngineSetting,
): void {
  const kernels = engine === 'native' ? nativeKernelSet() : undefined;
  const what = kernels === undefined ? engine : `native (${kernels} kernels)`;
  logger.info(
    { engine, kernels, graph },
    `inference engine: ${what} for the ${graph} graph (asked for ${asked})`,
  );
}
