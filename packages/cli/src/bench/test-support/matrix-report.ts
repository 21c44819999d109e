import { optional } from '../../options.js';
import type { RunSpec } from '../interfaces.js';
import { assembleMatrixReport, type MatrixReport, planMatrix, runMatrix } from '../matrix.js';
import { fakeRun, MACHINE } from './fixtures.js';

/** A full 10k matrix with the peer, 3 repeats, from fixed fake runs. */
export async function fixtureReport(
  options: { peer?: boolean; baseChunks?: number; creepMBPer10k?: number } = {},
): Promise<MatrixReport> {
  const peer = options.peer ?? true;
  const baseChunks = options.baseChunks ?? 10_000;
  const cells = planMatrix({ precision: 'int8', baseChunks, peer });
  const throughput = (spec: RunSpec): number =>
    spec.engine === 'peer' ? 50 : 100 + spec.batchSize / 8 - spec.chunks / 2000;
  // Repeats 0, 1, 2 measure -1, +0, +1 around the cell's figure, so the median is the figure.
  const runs = await runMatrix(cells, 3, async (spec, { repeat }) => {
    return fakeRun(spec, {
      chunksPerSec: throughput(spec) + repeat - 1,
      peakRssMB: (spec.engine === 'peer' ? 420 : 200 + spec.batchSize / 4) + repeat,
      dropMB: 2,
      ...optional('creepMBPer10k', options.creepMBPer10k),
    });
  });
  return assembleMatrixReport({
    cells,
    runs,
    machine: MACHINE,
    settings: { precision: 'int8', repeat: 3, baseChunks, peer },
    wallSeconds: 1800,
  });
}
