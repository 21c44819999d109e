import { standInVector } from '@embedq/cli';
import { seedChunk } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../support/pipeline.js';
import { runCli } from '../support/run-cli.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

// `embedq fleet-sim` against the real API, Redis and PostgreSQL: its stand-in workers run the
// real worker runtime, so every chunk gets a vector (the stand-in's) through the real queue.

const services = await servicesOrSkip('fleet-sim');

function fleetSim(baseUrl: string, env: Record<string, string | undefined>, ...args: string[]) {
  return runCli(['fleet-sim', '--api', baseUrl, ...args], { ...env, EMBEDQ_API_KEY: TEST_API_KEY });
}

describe.skipIf(services === undefined)('embedq fleet-sim', () => {
  const fixture = usePipeline(services, { worker: false });

  it('drains a load through 1 and then 3 stand-in workers, each step into emptied tables', async () => {
    const { pipeline } = fixture;
    const result = await fleetSim(
      pipeline.baseUrl,
      pipeline.env,
      '--workers',
      '1,3',
      '--chunks',
      '300',
      '--batch-chunks',
      '100',
      '--fresh',
    );
    expect(result.code).toBe(0);
    const rows = result.stdout.trim().split('\n').slice(2);
    expect(rows.map((row) => row.split('|')[1]?.trim())).toEqual(['1', '3']);
    expect(result.stderr).toMatch(/fleet-sim: 3 workers: \d+ chunks\/s/);

    // --fresh emptied the tables before the second step: only its 300 chunks are left, each with
    // the stand-in's vector for its text, written by one of the three stand-ins.
    const chunks = await pipeline.db.pool.query<{ text: string; embedding: string; written_by: string }>(
      `SELECT text, embedding::text, written_by FROM chunk_states WHERE status = 'embedded' ORDER BY id`,
    );
    expect(chunks.rows).toHaveLength(300);
    expect(new Set(chunks.rows.map((r) => r.written_by)).size).toBeGreaterThan(1);
    for (const row of chunks.rows) expect(row.written_by).toMatch(/^fleet-sim-[123]$/);
    const first = chunks.rows.find((r) => r.text === seedChunk(0));
    const expected = [...standInVector(seedChunk(0))];
    const stored = JSON.parse(first?.embedding ?? '[]') as number[];
    expect(stored).toHaveLength(384);
    stored.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 6);
    });
  });

  it.each([
    [['--workers', '0'], /--workers must be a whole number >= 1, got '0'/],
    [['--workers', '1,x'], /--workers must be a whole number >= 1, got 'x'/],
    [['--workers', '65'], /--workers must be at most 64, got 65/],
    [['--chunks=-5'], /--chunks must be a whole number >= 1, got '-5'/],
    [['--pool-size', '101'], /--pool-size must be at most 100/],
  ])('refuses %j with a usage error', async (args, message) => {
    const result = await fleetSim(fixture.pipeline.baseUrl, fixture.pipeline.env, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
