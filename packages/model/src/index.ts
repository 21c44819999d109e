export { BERT_CONFIG } from './bert/bert-weights.js';
export { STANDARD_INPUTS, STANDARD_OUTPUT } from './bert/standard-graph.js';
export { type BuildModelOptions, buildModel, ensureModel, verifyModel } from './build-model.js';
export { ModelBuildError } from './errors.js';
export { type GraphIdentity, graphIdentity, localGraphs } from './graph-identity.js';
export { FUSED_INPUTS, FUSED_OUTPUT } from './graph-io.js';
export { type Initializers, readInitializers } from './onnx/read-initializers.js';
export type { TensorData } from './onnx/tensor.js';
export {
  defaultModelDir,
  GRAPH_FILES,
  type GraphFile,
  type GraphKey,
  graphFile,
  graphPath,
  lockFilePath,
  MODEL_NAME,
  type ModelFiles,
  modelFiles,
  type Precision,
  SOURCE_PACKAGE,
  type SourceFiles,
  sourceFiles,
  UNRECORDED_GRAPHS,
} from './paths.js';
export { readSafetensors, type SafeTensor } from './safetensors.js';
