import { describe, expect, it } from 'vitest';
import { measureEmbedq } from './measure-embedq.js';

describe('measureEmbedq', () => {
  it('embeds every chunk once and samples settled RSS between streams of settleEvery chunks', async () => {
    const result = await measureEmbedq(
      { engine: 'embedq', chunks: 250, batchSize: 16, precision: 'int8', settleEvery: 100 },
      'test',
    );
    expect(result.chunks).toBe(250);
    expect(result.rssSamples[result.rssSamples.length - 1]?.chunks).toBe(250);
    expect(result.settledRss?.map((s) => s.chunks)).toEqual([100, 200, 250]);
    for (const sample of result.settledRss ?? []) expect(sample.rssMB).toBeGreaterThan(50);
    expect(result.runtime?.nodeFlags).toEqual(process.execArgv);
  });

  it('takes no settled samples without settleEvery', async () => {
    const result = await measureEmbedq(
      { engine: 'embedq', chunks: 40, batchSize: 16, precision: 'int8' },
      'test',
    );
    expect(result.chunks).toBe(40);
    expect(result.settledRss).toBeUndefined();
  });
});
