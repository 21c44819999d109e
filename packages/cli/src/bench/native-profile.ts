import type { NativeProfileFile } from '@embedq/embedder';
import { KIND_OF_OP, KindTally, type OperatorProfile } from './operator-profile.js';

/**
 * The native engine's stage times (one file per session, `NativeSession` writes them), grouped
 * into the same kinds as ONNX Runtime's operators so the two profiles read side by side. Its
 * int8 GEMM of the first FFN layer includes GELU, applied to the GEMM's output in registers.
 */
export function summarizeNativeProfile(files: readonly NativeProfileFile[]): OperatorProfile {
  const tally = new KindTally();
  let runs = 0;
  let runSeconds = 0;
  let tokens = 0;
  let linear = 0;
  for (const file of files) {
    runs += file.runs;
    runSeconds += file.runSeconds;
    tokens += file.tokens;
    for (const stage of file.stages) {
      if (stage.calls === 0) continue;
      const kind = KIND_OF_OP[stage.op] ?? 'other';
      tally.add(stage.op, kind, stage.calls, stage.seconds, stage.work);
      if (kind === 'int8 GEMM') linear += stage.work;
    }
  }
  const kernels = files[0]?.kernels;
  return {
    engine: 'native',
    ...(kernels === undefined ? {} : { kernels }),
    sessions: files.length,
    runs,
    kernelSeconds: tally.kernelSeconds,
    runSeconds,
    kinds: tally.kinds(),
    opTypes: tally.opTypes(),
    linearOpsPerToken: tokens > 0 ? linear / tokens : 0,
    paddedTokens: tokens,
  };
}
