export type { CellSummary, Engine, Ratios, RssSample, RunResult, RunSpec } from './bench/interfaces.js';
export type { MatrixReport } from './bench/matrix.js';
export type { Command, CommandContext } from './command.js';
export { standInVector } from './fleet-sim/stand-in-embedder.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main } from './main.js';
export { type CapturedRun, runCaptured } from './run-captured.js';
export { UsageError } from './usage-error.js';
