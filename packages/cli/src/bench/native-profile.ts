import type { NativeProfileFile } from '@embedq/embedder';
import { KIND_OF_OP, OPERATOR_KINDS, type OperatorProfile, UNIT } from './operator-profile.js';

/**
 * The native engine's stage times (one file per session, `NativeSession` writes them), grouped
 * into the same kinds as ONNX Runtime's operators so the two profiles read side by side. Its
 * int8 GEMM of the first FFN layer includes GELU, applied to the GEMM's output in registers.
 */
export function summarizeNativeProfile(files: readonly NativeProfileFile[]): OperatorProfile {
  const stages = new Map<string, { calls: number; seconds: number; work: number }>();
  let runs = 0;
  let runSeconds = 0;
  let tokens = 0;
  for (const file of files) {
    runs += file.runs;
    runSeconds += file.runSeconds;
    tokens += file.tokens;
    for (const stage of file.stages) {
      const s = stages.get(stage.op) ?? { calls: 0, seconds: 0, work: 0 };
      s.calls += stage.calls;
      s.seconds += stage.seconds;
      s.work += stage.work;
      stages.set(stage.op, s);
    }
  }
  const kindOf = (op: string) => KIND_OF_OP[op] ?? 'other';
  const kernelSeconds = [...stages.values()].reduce((sum, s) => sum + s.seconds, 0);
  const share = (seconds: number) => (kernelSeconds > 0 ? seconds / kernelSeconds : 0);
  const linear = [...stages].reduce((sum, [op, s]) => sum + (kindOf(op) === 'int8 GEMM' ? s.work : 0), 0);
  return {
    engine: 'native',
    sessions: files.length,
    runs,
    kernelSeconds,
    runSeconds,
    kinds: OPERATOR_KINDS.flatMap((kind) => {
      const members = [...stages].filter(([op, s]) => kindOf(op) === kind && s.calls > 0);
      if (members.length === 0) return [];
      const seconds = members.reduce((sum, [, s]) => sum + s.seconds, 0);
      const work = members.reduce((sum, [, s]) => sum + s.work, 0);
      return [
        {
          kind,
          ops: members.map(([op]) => op).sort(),
          calls: members.reduce((sum, [, s]) => sum + s.calls, 0),
          seconds,
          share: share(seconds),
          work,
          unit: UNIT[kind],
          rate: seconds > 0 ? work / seconds : 0,
        },
      ];
    }),
    opTypes: [...stages]
      .filter(([, s]) => s.calls > 0)
      .map(([op, s]) => ({
        op,
        kind: kindOf(op),
        calls: s.calls,
        seconds: s.seconds,
        share: share(s.seconds),
      }))
      .sort((a, b) => b.seconds - a.seconds),
    linearOpsPerToken: tokens > 0 ? linear / tokens : 0,
    paddedTokens: tokens,
  };
}
