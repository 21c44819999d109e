import { graphFile } from '@embedq/model';
import { describe, expect, it } from 'vitest';
import { GraphSet } from './graph-set.js';
import type { Embedder, GraphKey } from './interfaces.js';

/** An embedder of `graph` that records whether it was closed; `embed` is never called here. */
function fakeEmbedder(graph: GraphKey): Embedder & { closed: boolean; graph: GraphKey } {
  const fake = {
    closed: false,
    graph,
    dimensions: 384,
    precision: graphFile(graph).precision,
    countWordPieces: () => 0,
    embed: () => Promise.resolve([]),
    embedStream: () => {
      throw new Error('not used');
    },
    close: async () => {
      fake.closed = true;
    },
  };
  return fake as unknown as Embedder & { closed: boolean; graph: GraphKey };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GraphSet', () => {
  it('uses the primary for its own precision and loads another once, for concurrent users alike', async () => {
    const primary = fakeEmbedder('int8');
    const opened: (Embedder & { closed: boolean })[] = [];
    const graphs = new GraphSet({
      primary,
      open: async (precision) => {
        await sleep(10);
        const e = fakeEmbedder(precision);
        opened.push(e);
        return e;
      },
      idleMs: 60_000,
    });
    expect(await graphs.use('int8', async (e) => e)).toBe(primary);
    const [a, b] = await Promise.all([
      graphs.use('fp32', async (e) => e),
      graphs.use('fp32', async (e) => e),
    ]);
    expect(a).toBe(b);
    expect(opened).toHaveLength(1);
    expect(graphs.loaded()).toEqual(['int8', 'fp32']);
    await graphs.close();
    expect(opened[0]?.closed).toBe(true);
    expect(primary.closed).toBe(false);
  });

  it('releases an extra graph once unused for idleMs, never while in use, and loads it again on demand', async () => {
    const events: string[] = [];
    const graphs = new GraphSet({
      primary: fakeEmbedder('int8'),
      open: async (precision) => fakeEmbedder(precision),
      idleMs: 60,
      onChange: (e) => events.push(`${e.action} ${e.graph}`),
    });
    let first: (Embedder & { closed: boolean }) | undefined;
    await graphs.use('fp32', async (e) => {
      first = e as Embedder & { closed: boolean };
      await sleep(200); // in use longer than idleMs: kept
      expect(first.closed).toBe(false);
    });
    await sleep(300);
    expect(first?.closed).toBe(true);
    expect(graphs.loaded()).toEqual(['int8']);
    const second = await graphs.use('fp32', async (e) => e);
    expect(second).not.toBe(first);
    expect(events).toEqual(['loaded fp32', 'released fp32', 'loaded fp32']);
    await graphs.close();
  });

  it("loads an earlier graph of the primary's precision as an extra of its own", async () => {
    const primary = fakeEmbedder('int8');
    const graphs = new GraphSet({ primary, open: async (graph) => fakeEmbedder(graph) });
    const earlier = await graphs.use('int8-v1', async (e) => e as Embedder & { graph: GraphKey });
    expect(earlier).not.toBe(primary);
    expect(earlier.graph).toBe('int8-v1');
    expect(earlier.precision).toBe('int8');
    expect(graphs.loaded()).toEqual(['int8', 'int8-v1']);
    await graphs.close();
  });

  it('forgets a failed load, so the next use tries again', async () => {
    let attempts = 0;
    const graphs = new GraphSet({
      primary: fakeEmbedder('int8'),
      open: async (precision) => {
        attempts++;
        if (attempts === 1) throw new Error('no model file');
        return fakeEmbedder(precision);
      },
    });
    await expect(graphs.use('fp32', async (e) => e)).rejects.toThrow('no model file');
    await expect(graphs.use('fp32', async (e) => e.precision)).resolves.toBe('fp32');
    expect(attempts).toBe(2);
    await graphs.close();
  });
});
