import { optional } from '../../options.js';
import type { RunResult, RunSpec } from '../interfaces.js';
import type { MachineInfo } from '../machine-info.js';
import { childRuntime } from '../run-child.js';
import { SettledRssSampler } from '../settled-rss.js';

export const MACHINE: MachineInfo = {
  cpuModel: 'AMD EPYC 7B13',
  logicalCpus: 2,
  cpuFlags: { avx2: true, avx512f: false, avx512vnni: false },
  totalMemoryGiB: 23.4,
  os: 'Linux 6.1.0 x64',
  node: 'v20.20.2',
  onnxruntimeNode: '1.30.0',
  transformers: '4.3.1',
  date: '2026-11-28T12:00:00.000Z',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  gitUncommittedChanges: false,
};

/**
 * A plausible run: `chunksPerSec` sets the time; RSS climbs to `plateauMB` over the first 10% of
 * the chunks and stays there (minus `dropMB` at the end).
 */
export function fakeRun(
  spec: RunSpec,
  figures: {
    chunksPerSec: number;
    peakRssMB: number;
    plateauMB?: number;
    dropMB?: number;
    /** RSS added per 10k chunks done, on top of the plateau. */
    creepMBPer10k?: number;
    p50?: number;
  },
): RunResult {
  const seconds = spec.chunks / figures.chunksPerSec;
  const batches = Math.ceil(spec.chunks / spec.batchSize);
  const plateau = figures.plateauMB ?? figures.peakRssMB - 20;
  const rssSamples = Array.from({ length: batches }, (_, i) => {
    const chunks = Math.min(spec.chunks, (i + 1) * spec.batchSize);
    const ramp = Math.min(1, chunks / (spec.chunks * 0.1));
    const last = i === batches - 1;
    return {
      chunks,
      seconds: chunks / figures.chunksPerSec,
      rssMB:
        100 +
        (plateau - 100) * ramp +
        ((figures.creepMBPer10k ?? 0) * chunks) / 10_000 -
        (last ? (figures.dropMB ?? 0) : 0),
    };
  });
  // Settled samples sit 5 MB under the per-batch ones (no garbage), taken where measureEmbedq
  // takes them: between streams of `settleEvery` chunks, and at the end.
  const every = spec.settleEvery;
  const settler = every === undefined ? undefined : new SettledRssSampler(every, () => {});
  const rssAt = (chunks: number): number => (rssSamples.find((s) => s.chunks >= chunks)?.rssMB ?? 0) - 5;
  if (settler !== undefined && every !== undefined) {
    for (let chunks = every; chunks < spec.chunks; chunks += every)
      settler.after(chunks, () => rssAt(chunks));
    settler.finish(spec.chunks, () => rssAt(spec.chunks));
  }
  const p50 = figures.p50 ?? (spec.batchSize / figures.chunksPerSec) * 1000;
  return {
    spec,
    chunks: spec.chunks,
    seconds,
    chunksPerSec: figures.chunksPerSec,
    loadSeconds: 0.5,
    peakRssMB: figures.peakRssMB,
    rssBeforeLoadMB: 60,
    rssAfterLoadMB: 150,
    batches,
    tokens: spec.chunks * 65,
    paddedTokens: spec.chunks * 70,
    batchMs: { count: batches, mean: p50, p50, p90: p50 * 1.2, p99: p50 * 1.5, max: p50 * 2 },
    rssSamples,
    ...optional('settledRss', settler?.samples),
    versions: { 'onnxruntime-node': '1.30.0' },
    runtime: childRuntime(spec.engine),
  };
}
