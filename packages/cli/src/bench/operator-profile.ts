import type { KernelSet } from '@embedq/embedder';
/**
 * ONNX Runtime's per-operator profile (the JSON trace a session writes with `enableProfiling`),
 * grouped by kind of work, with each kind's share of the kernel time and its effective rate.
 */

/** One trace event as ONNX Runtime writes it (Chrome trace format); only what is read here. */
export interface OrtTraceEvent {
  readonly cat: string;
  readonly name: string;
  /** Microseconds. */
  readonly ts: number;
  readonly dur: number;
  readonly args?: {
    readonly op_name?: string;
    readonly input_type_shape?: readonly Readonly<Record<string, readonly number[]>>[];
    readonly output_type_shape?: readonly Readonly<Record<string, readonly number[]>>[];
  };
}

export const OPERATOR_KINDS = [
  'int8 GEMM',
  'fp32 GEMM',
  'attention',
  'quantise/dequantise',
  'layer norm',
  'GELU',
  'pooling',
  'other',
] as const;
export type OperatorKind = (typeof OPERATOR_KINDS)[number];

/** How a kind's effective rate is counted. */
export type RateUnit = 'int ops/s' | 'float ops/s' | 'ops/s' | 'elements/s';

export interface KindProfile {
  readonly kind: OperatorKind;
  readonly ops: readonly string[];
  readonly calls: number;
  /** Kernel time summed over every session, seconds. */
  readonly seconds: number;
  /** Of all kernel time. */
  readonly share: number;
  /** Multiply-adds x 2 for the GEMM and attention kinds; output elements for the rest. */
  readonly work: number;
  readonly unit: RateUnit;
  /** `work / seconds`: per session thread, since each kernel ran on one session's threads. */
  readonly rate: number;
}

export interface OperatorTypeProfile {
  readonly op: string;
  readonly kind: OperatorKind;
  readonly calls: number;
  readonly seconds: number;
  readonly share: number;
}

export interface OperatorProfile {
  /** Whose profile: ONNX Runtime's per-operator trace, or the native engine's time per stage. */
  readonly engine: 'onnxruntime' | 'native';
  /** The native engine's kernel set (absent for ONNX Runtime). */
  readonly kernels?: KernelSet;
  readonly sessions: number;
  /** `model_run` events counted (the session's reserve runs left out, see `skipRuns`). */
  readonly runs: number;
  readonly kernelSeconds: number;
  /** Sum of the counted runs' wall times: kernel time plus ONNX Runtime's own between kernels. */
  readonly runSeconds: number;
  readonly kinds: readonly KindProfile[];
  readonly opTypes: readonly OperatorTypeProfile[];
  /**
   * int ops of the linear layers (int8 GEMMs and QAttention's QKV projection) per token computed:
   * every padded token for ONNX Runtime, the real ones for the native engine (it skips padding).
   */
  readonly linearOpsPerToken: number;
  /**
   * QAttention's time split: its QKV projection estimated at the int8 GEMM kind's rate, the rest
   * (scores, softmax, weighted sums, the mask) what remains. Absent without both kinds.
   */
  readonly attentionSplit?: {
    readonly projectionSeconds: number;
    readonly coreSeconds: number;
    readonly coreShare: number;
  };
  /** Tokens computed (see `linearOpsPerToken`). */
  readonly paddedTokens: number;
}

export const KIND_OF_OP: Readonly<Record<string, OperatorKind>> = {
  // The native engine's stages (NativeStage.op); its Attention is fp32 scores, softmax and sums.
  Int8Gemm: 'int8 GEMM',
  Int8GemmGelu: 'int8 GEMM',
  Quantize: 'quantise/dequantise',
  LayerNorm: 'layer norm',
  Pooling: 'pooling',
  Embed: 'other',
  DynamicQuantizeMatMul: 'int8 GEMM',
  MatMulInteger: 'int8 GEMM',
  MatMulIntegerToFloat: 'int8 GEMM',
  QGemm: 'int8 GEMM',
  QLinearMatMul: 'int8 GEMM',
  MatMulNBits: 'int8 GEMM',
  MatMul: 'fp32 GEMM',
  Gemm: 'fp32 GEMM',
  FusedMatMul: 'fp32 GEMM',
  QAttention: 'attention',
  Attention: 'attention',
  MultiHeadAttention: 'attention',
  DynamicQuantizeLinear: 'quantise/dequantise',
  QuantizeLinear: 'quantise/dequantise',
  DequantizeLinear: 'quantise/dequantise',
  LayerNormalization: 'layer norm',
  SkipLayerNormalization: 'layer norm',
  Gelu: 'GELU',
  FastGelu: 'GELU',
  BiasGelu: 'GELU',
  QuickGelu: 'GELU',
  ReduceSum: 'pooling',
  ReduceMean: 'pooling',
  LpNormalization: 'pooling',
};

const UNIT: Readonly<Record<OperatorKind, RateUnit>> = {
  'int8 GEMM': 'int ops/s',
  'fp32 GEMM': 'float ops/s',
  attention: 'ops/s',
  'quantise/dequantise': 'elements/s',
  'layer norm': 'elements/s',
  GELU: 'elements/s',
  pooling: 'elements/s',
  other: 'elements/s',
};

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const dimsOf = (shape: Readonly<Record<string, readonly number[]>> | undefined): readonly number[] =>
  shape === undefined ? [] : (Object.values(shape)[0] ?? []);

/** A node's kernel event, with what its shapes say. */
interface KernelCall {
  readonly op: string;
  readonly seconds: number;
  readonly inputs: readonly (readonly number[])[];
  readonly output: readonly number[];
  /** Runs after the run's last LayerNormalization: mean pooling and normalisation. */
  readonly pooling: boolean;
}

/**
 * Multiply-adds x 2 of a GEMM or attention call, from its shapes: ONNX Runtime's trace lists the
 * activations (the pre-packed weights are not listed), so K is the input's last dimension and N the
 * output's. QAttention's output is the hidden size; its projection makes three of them.
 */
function linearOps(call: KernelCall): number {
  const input = call.inputs[0] ?? [];
  const k = input.at(-1) ?? 0;
  const rows = product(input) / Math.max(1, k);
  const n = call.output.at(-1) ?? 0;
  if (call.op === 'QAttention' || call.op === 'Attention') return 2 * rows * k * 3 * n;
  if (KIND_OF_OP[call.op] === 'int8 GEMM' || KIND_OF_OP[call.op] === 'fp32 GEMM') return 2 * rows * k * n;
  return 0;
}

/** Scores and weighted sum of self-attention: 2 x (S x S x D) multiply-adds per sequence, x 2. */
function attentionCoreOps(call: KernelCall): number {
  const [batch = 0, sequence = 0, hidden = 0] = call.output;
  return 4 * batch * sequence * sequence * hidden;
}

function kindOf(call: KernelCall): OperatorKind {
  if (call.pooling) return 'pooling';
  return KIND_OF_OP[call.op] ?? 'other';
}

function workOf(call: KernelCall, kind: OperatorKind): number {
  if (kind === 'int8 GEMM' || kind === 'fp32 GEMM') return linearOps(call);
  if (kind === 'attention') {
    // QAttention and Attention include the QKV projection; MultiHeadAttention is the core alone.
    return linearOps(call) + attentionCoreOps(call);
  }
  return product(call.output);
}

/**
 * Reads one session's trace: the kernel calls of its runs, leaving out the first `skipRuns` runs
 * (the session's reserve runs at the largest shapes, which a real workload never repeats).
 */
export function kernelCalls(
  events: readonly OrtTraceEvent[],
  skipRuns: number,
): {
  calls: KernelCall[];
  runs: number;
  runSeconds: number;
  paddedTokens: number;
} {
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .slice(skipRuns);
  const nodes = events
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.args?.op_name !== undefined)
    .sort((a, b) => a.ts - b.ts);
  const calls: KernelCall[] = [];
  let paddedTokens = 0;
  let next = 0;
  for (const run of runs) {
    const end = run.ts + run.dur;
    while (next < nodes.length && nodes[next]!.ts < run.ts) next++;
    const inRun: OrtTraceEvent[] = [];
    while (next < nodes.length && nodes[next]!.ts <= end) inRun.push(nodes[next++]!);
    const lastNorm = inRun.findLastIndex((e) => e.args?.op_name === 'LayerNormalization');
    // Every Gather of a run indexes the same ids (a word table of int8 rows gathers its rows and
    // their scales), so the run's padded tokens are counted once.
    paddedTokens += Math.max(
      0,
      ...inRun
        .filter((e) => e.args?.op_name === 'Gather')
        .map((e) => product(dimsOf(e.args?.input_type_shape?.[1]))),
    );
    for (const [i, e] of inRun.entries()) {
      calls.push({
        op: e.args!.op_name!,
        seconds: e.dur / 1e6,
        inputs: (e.args?.input_type_shape ?? []).map(dimsOf),
        output: dimsOf(e.args?.output_type_shape?.[0]),
        pooling: lastNorm !== -1 && i > lastNorm,
      });
    }
  }
  return {
    calls,
    runs: runs.length,
    runSeconds: runs.reduce((s, r) => s + r.dur / 1e6, 0),
    paddedTokens,
  };
}

/**
 * Time and work summed by operator and by kind, and the profile's `kinds` and `opTypes` made from
 * them: ONNX Runtime's kernel calls and the native engine's stages are counted the same way.
 */
export class KindTally {
  private readonly byKind = new Map<
    OperatorKind,
    { ops: Set<string>; calls: number; seconds: number; work: number }
  >();
  private readonly byOp = new Map<string, { kind: OperatorKind; calls: number; seconds: number }>();
  kernelSeconds = 0;

  add(op: string, kind: OperatorKind, calls: number, seconds: number, work: number): void {
    const k = this.byKind.get(kind) ?? { ops: new Set(), calls: 0, seconds: 0, work: 0 };
    k.ops.add(op);
    k.calls += calls;
    k.seconds += seconds;
    k.work += work;
    this.byKind.set(kind, k);
    const o = this.byOp.get(op) ?? { kind, calls: 0, seconds: 0 };
    o.calls += calls;
    o.seconds += seconds;
    this.byOp.set(op, o);
    this.kernelSeconds += seconds;
  }

  /** A kind's sums, if any operator of it ran. */
  kind(kind: OperatorKind): { readonly seconds: number; readonly work: number } | undefined {
    return this.byKind.get(kind);
  }

  share(seconds: number): number {
    return this.kernelSeconds > 0 ? seconds / this.kernelSeconds : 0;
  }

  kinds(): KindProfile[] {
    return OPERATOR_KINDS.flatMap((kind) => {
      const k = this.byKind.get(kind);
      if (k === undefined) return [];
      return [
        {
          kind,
          ops: [...k.ops].sort(),
          calls: k.calls,
          seconds: k.seconds,
          share: this.share(k.seconds),
          work: k.work,
          unit: UNIT[kind],
          rate: k.seconds > 0 ? k.work / k.seconds : 0,
        },
      ];
    });
  }

  opTypes(): OperatorTypeProfile[] {
    return [...this.byOp]
      .map(([op, o]) => ({
        op,
        kind: o.kind,
        calls: o.calls,
        seconds: o.seconds,
        share: this.share(o.seconds),
      }))
      .sort((a, b) => b.seconds - a.seconds);
  }
}

/** Groups the kernel calls of every session's trace. */
export function summarizeOperatorProfile(
  traces: readonly (readonly OrtTraceEvent[])[],
  options: { skipRuns: number },
): OperatorProfile {
  const tally = new KindTally();
  let runs = 0;
  let runSeconds = 0;
  let linear = 0;
  let attentionProjection = 0;
  let paddedTokens = 0;
  for (const trace of traces) {
    const read = kernelCalls(trace, options.skipRuns);
    runs += read.runs;
    runSeconds += read.runSeconds;
    paddedTokens += read.paddedTokens;
    for (const call of read.calls) {
      const kind = kindOf(call);
      tally.add(call.op, kind, 1, call.seconds, workOf(call, kind));
      linear += kind === 'int8 GEMM' || kind === 'fp32 GEMM' || kind === 'attention' ? linearOps(call) : 0;
      if (call.op === 'QAttention') attentionProjection += linearOps(call);
    }
  }
  const gemm = tally.kind('int8 GEMM');
  const attention = tally.kind('attention');
  const gemmRate = gemm !== undefined && gemm.seconds > 0 ? gemm.work / gemm.seconds : 0;
  const projectionSeconds = gemmRate > 0 ? attentionProjection / gemmRate : 0;
  const attentionSplit =
    attention === undefined || projectionSeconds === 0
      ? undefined
      : {
          projectionSeconds,
          coreSeconds: Math.max(0, attention.seconds - projectionSeconds),
          coreShare: tally.share(Math.max(0, attention.seconds - projectionSeconds)),
        };
  return {
    engine: 'onnxruntime',
    sessions: traces.length,
    runs,
    kernelSeconds: tally.kernelSeconds,
    runSeconds,
    kinds: tally.kinds(),
    opTypes: tally.opTypes(),
    linearOpsPerToken: paddedTokens > 0 ? linear / paddedTokens : 0,
    paddedTokens,
    ...(attentionSplit === undefined ? {} : { attentionSplit }),
  };
}
