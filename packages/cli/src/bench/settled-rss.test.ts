import { describe, expect, it } from 'vitest';
import { fullGarbageCollection, SettledRssSampler } from './settled-rss.js';

describe('SettledRssSampler', () => {
  it('collects garbage and samples at each multiple passed, and at the end', () => {
    let collections = 0;
    const sampler = new SettledRssSampler(100, () => collections++);
    let rss = 200;
    for (const chunks of [40, 80, 120, 160, 310, 330]) sampler.after(chunks, () => rss++);
    sampler.finish(350, () => 250);
    // 120 passes 100; 310 passes both 200 and 300, one sample; then the end.
    expect(sampler.samples).toEqual([
      { chunks: 120, rssMB: 200 },
      { chunks: 310, rssMB: 201 },
      { chunks: 350, rssMB: 250 },
    ]);
    expect(collections).toBe(3);
  });

  it('does not sample the end twice', () => {
    const sampler = new SettledRssSampler(100, () => {});
    sampler.after(100, () => 1);
    sampler.finish(100, () => 2);
    expect(sampler.samples).toEqual([{ chunks: 100, rssMB: 1 }]);
  });

  it('refuses a step that is not a positive integer', () => {
    expect(() => new SettledRssSampler(0, () => {})).toThrow(RangeError);
    expect(() => new SettledRssSampler(2.5, () => {})).toThrow(RangeError);
  });
});

describe('fullGarbageCollection', () => {
  it('frees an unreachable array buffer without --expose-gc', async () => {
    const collect = fullGarbageCollection();
    let buffer: ArrayBuffer | undefined = new ArrayBuffer(64 * 2 ** 20);
    const ref = new WeakRef(buffer);
    buffer = undefined;
    // A WeakRef's target stays alive until the end of the current job.
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    expect(ref.deref()).toBeUndefined();
  });
});
