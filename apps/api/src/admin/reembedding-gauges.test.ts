import type { Reembedding } from '@embedq/store';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createReembeddingGauges } from './reembedding-gauges.js';

const TO = 'all-MiniLM-L6-v2 fp32 abcdefabcdef';

function reembedding(namespace: string, overrides: Partial<Reembedding> = {}): Reembedding {
  const at = new Date(1_800_000_000_000);
  return {
    id: 1,
    namespace,
    fromIdentityId: 1,
    toIdentityId: 2,
    from: 'all-MiniLM-L6-v2 int8 1a2b3c4d5e6f',
    to: TO,
    state: 'running',
    keepSeconds: null,
    createdAt: at,
    stateSince: at,
    switchedAt: null,
    prunedAt: null,
    totalChunks: 3_000,
    doneChunks: 1_710,
    failedChunks: 90,
    countedAt: at,
    chunksPerSecond: 40.5,
    etaSeconds: 30,
    ...overrides,
  };
}

/** The registry's text, only the lines of the re-embedding families. */
async function scrape(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line.includes('embedq_reembedding_'));
}

describe('re-embedding gauges', () => {
  it('give each open re-embedding its chunks by kind, rate and ETA, with HELP and TYPE', async () => {
    const registry = new Registry();
    const gauges = createReembeddingGauges(registry);
    gauges.set([
      reembedding('docs'),
      reembedding('paused-ns', { state: 'paused', chunksPerSecond: 12, etaSeconds: null }),
      reembedding('new-ns', { chunksPerSecond: null, etaSeconds: null }),
      reembedding('done-ns', { state: 'switched', etaSeconds: null }),
      reembedding('gone-ns', { state: 'cancelled', etaSeconds: null }),
    ]);
    const lines = await scrape(registry);
    const labels = (ns: string, extra = '') => `{namespace="${ns}",to="${TO}"${extra}}`;
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^# HELP embedq_reembedding_chunks \S/),
        '# TYPE embedq_reembedding_chunks gauge',
        '# TYPE embedq_reembedding_chunks_per_second gauge',
        '# TYPE embedq_reembedding_eta_seconds gauge',
        `embedq_reembedding_chunks${labels('docs', ',state="running",kind="total"')} 3000`,
        `embedq_reembedding_chunks${labels('docs', ',state="running",kind="done"')} 1710`,
        `embedq_reembedding_chunks${labels('docs', ',state="running",kind="failed"')} 90`,
        `embedq_reembedding_chunks_per_second${labels('docs')} 40.5`,
        `embedq_reembedding_eta_seconds${labels('docs')} 30`,
        `embedq_reembedding_chunks${labels('paused-ns', ',state="paused",kind="done"')} 1710`,
        // Paused, nothing moves: the rate it had while running is not its rate now.
        `embedq_reembedding_chunks_per_second${labels('paused-ns')} 0`,
        `embedq_reembedding_chunks${labels('new-ns', ',state="running",kind="total"')} 3000`,
      ]),
    );
    // Finished ones have no series; nor have a rate or an ETA not measured yet.
    expect(lines.filter((line) => /done-ns|gone-ns/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('embedq_reembedding_eta_seconds{'))).toHaveLength(1);
    expect(
      lines.filter((line) => line.includes('new-ns') && !line.startsWith('embedq_reembedding_chunks{')),
    ).toEqual([]);
  });

  it('escape label values, and drop the series of re-embeddings no longer listed', async () => {
    const registry = new Registry();
    const gauges = createReembeddingGauges(registry);
    gauges.set([reembedding('a "quoted"\\ns\nnext')]);
    const lines = await scrape(registry);
    expect(lines).toContain(
      `embedq_reembedding_eta_seconds{namespace="a \\"quoted\\"\\\\ns\\nnext",to="${TO}"} 30`,
    );

    gauges.set([]);
    expect((await scrape(registry)).filter((line) => !line.startsWith('#'))).toEqual([]);
  });
});
