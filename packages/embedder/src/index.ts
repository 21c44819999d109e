export {
  type GraphIdentity,
  type GraphKey,
  graphFile,
  graphIdentity,
  localGraphs,
  MODEL_NAME,
  UNRECORDED_GRAPHS,
} from '@embedq/model';
export type { BatchLimits } from './batch-pool.js';
export { engineFor, logInferenceEngine } from './choose-engine.js';
export { type CpuBudget, readCpuBudget } from './cpu-budget.js';
export { createEmbedder } from './embedder.js';
export { EMBEDDER_DEFAULTS } from './embedder-options.js';
export { EmbedderClosedError } from './errors.js';
export { GraphSet, type GraphSetOptions } from './graph-set.js';
export {
  describeInferenceSizing,
  type InferenceSizing,
  logInferenceSizing,
  sizeInference,
} from './inference-sizing.js';
export { type EventLineLogger, logInferenceThreadEvents } from './inference-thread-event.js';
export {
  type BatchReport,
  EMBEDDING_DIMENSIONS,
  type EmbedCallOptions,
  type EmbeddedBatch,
  type Embedder,
  type EmbedderOptions,
  ENGINE_SETTINGS,
  type Engine,
  type EngineSetting,
  type InferenceThreadEvent,
  MAX_SEQUENCE_LENGTH,
  MAX_TEXT_WORD_PIECES,
  type Precision,
  type RunReport,
} from './interfaces.js';
export { RESERVE_RUNS } from './model-session.js';
export {
  cpuKernelSets,
  KERNEL_SETS,
  type KernelSet,
  NATIVE_PROFILE_SUFFIX,
  type NativeProfileFile,
  nativeEngineUnavailable,
  nativeKernelSet,
} from './native-session.js';
export { createTokenizer, type EncodedText, loadTokenizer, type WordPieceTokenizer } from './tokenizer.js';
