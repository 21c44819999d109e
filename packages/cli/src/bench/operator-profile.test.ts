import { describe, expect, it } from 'vitest';
import { type OrtTraceEvent, summarizeOperatorProfile } from './operator-profile.js';

/** One kernel event as ONNX Runtime writes it, durations in microseconds. */
function node(
  op: string,
  ts: number,
  dur: number,
  inputs: readonly (readonly number[])[],
  output: readonly number[],
): OrtTraceEvent {
  return {
    cat: 'Node',
    name: `${op}_${ts}_kernel_time`,
    ts,
    dur,
    args: {
      op_name: op,
      input_type_shape: inputs.map((dims) => ({ float: dims })),
      output_type_shape: [{ float: output }],
    },
  };
}

const run = (ts: number, dur: number): OrtTraceEvent => ({ cat: 'Session', name: 'model_run', ts, dur });

/** A run of a 2 x 4 batch through a one-layer graph, starting at `t0`. */
function layerRun(t0: number): OrtTraceEvent[] {
  return [
    run(t0, 1000),
    node(
      'Gather',
      t0 + 1,
      10,
      [
        [30522, 384],
        [2, 4],
      ],
      [2, 4, 384],
    ),
    node('LayerNormalization', t0 + 20, 20, [[2, 4, 384]], [2, 4, 384]),
    node('DynamicQuantizeLinear', t0 + 50, 10, [[2, 4, 384]], [2, 4, 384]),
    node('QAttention', t0 + 100, 500, [[2, 4, 384]], [2, 4, 384]),
    node('DynamicQuantizeMatMul', t0 + 300, 400, [[2, 4, 384]], [2, 4, 1536]),
    node('Gelu', t0 + 700, 50, [[2, 4, 1536]], [2, 4, 1536]),
    node('Mul', t0 + 760, 5, [[2, 4, 1536], [1536]], [2, 4, 1536]),
    node('LayerNormalization', t0 + 800, 20, [[2, 4, 384]], [2, 4, 384]),
    node(
      'Mul',
      t0 + 900,
      5,
      [
        [2, 4, 384],
        [2, 4, 1],
      ],
      [2, 4, 384],
    ),
    node('ReduceSum', t0 + 910, 10, [[2, 4, 384]], [2, 384]),
  ];
}

describe('summarizeOperatorProfile', () => {
  it('groups kernels by kind, with shares, work from the shapes, and the reserve runs left out', () => {
    // A reserve run first (left out), then two real runs; a second session with one run.
    const reserve = [run(0, 5000), node('DynamicQuantizeMatMul', 10, 4000, [[8, 256, 384]], [8, 256, 1536])];
    const first = [...reserve, ...layerRun(10_000), ...layerRun(20_000)];
    const second = [...reserve, ...layerRun(10_000)];
    const profile = summarizeOperatorProfile([first, second], { skipRuns: 1 });

    expect(profile.sessions).toBe(2);
    expect(profile.runs).toBe(3);
    expect(profile.runSeconds).toBeCloseTo(3 * 0.001, 9);
    const perRun = 10 + 20 + 10 + 500 + 400 + 50 + 5 + 20 + 5 + 10;
    expect(profile.kernelSeconds).toBeCloseTo((3 * perRun) / 1e6, 9);
    // 8 padded tokens per run.
    expect(profile.paddedTokens).toBe(24);

    const kind = (name: string) => profile.kinds.find((k) => k.kind === name);
    const gemm = kind('int8 GEMM')!;
    expect(gemm.ops).toEqual(['DynamicQuantizeMatMul']);
    expect(gemm.calls).toBe(3);
    expect(gemm.work).toBe(3 * 2 * 8 * 384 * 1536);
    expect(gemm.rate).toBeCloseTo(gemm.work / (3 * 400e-6), 0);
    expect(gemm.share).toBeCloseTo(400 / perRun, 9);
    // QAttention: the QKV projection (3 x hidden) and the scores and weighted sum (4 B S^2 D).
    expect(kind('attention')!.work).toBe(3 * (2 * 8 * 384 * 3 * 384 + 4 * 2 * 4 * 4 * 384));
    // The Mul after the last layer norm is pooling; the one after Gelu is not.
    expect(kind('pooling')!.ops).toEqual(['Mul', 'ReduceSum']);
    expect(kind('other')!.ops).toEqual(['Gather', 'Mul']);
    expect(kind('GELU')!.work).toBe(3 * 8 * 1536);
    expect(kind('fp32 GEMM')).toBeUndefined();
    expect(profile.kinds.reduce((s, k) => s + k.share, 0)).toBeCloseTo(1, 9);

    // Linear work per padded token: QKV projection plus the FFN GEMM.
    expect(profile.linearOpsPerToken).toBe(2 * 384 * 3 * 384 + 2 * 384 * 1536);
    expect(profile.opTypes.map((o) => o.op).slice(0, 2)).toEqual(['QAttention', 'DynamicQuantizeMatMul']);
    // QAttention's projection at the GEMMs' rate; the rest is its scores and weighted sums.
    const projection = (3 * 2 * 8 * 384 * 3 * 384) / gemm.rate;
    expect(profile.attentionSplit!.projectionSeconds).toBeCloseTo(projection, 12);
    expect(profile.attentionSplit!.coreSeconds).toBeCloseTo(3 * 500e-6 - projection, 12);
  });

  it("counts a run's padded tokens once when its word table gathers rows and their scales", () => {
    const gather = (ts: number, table: readonly number[]) =>
      node('Gather', ts, 10, [table, [2, 4]], [2, 4, table[1]!]);
    const int8Table = [run(0, 1000), gather(1, [30522, 384]), gather(20, [30522, 1])];
    const profile = summarizeOperatorProfile([int8Table], { skipRuns: 0 });
    expect(profile.paddedTokens).toBe(8);
  });

  it('reads an empty trace as no work rather than dividing by zero', () => {
    const profile = summarizeOperatorProfile([[]], { skipRuns: 2 });
    expect(profile).toMatchObject({ runs: 0, kernelSeconds: 0, kinds: [], linearOpsPerToken: 0 });
  });
});
