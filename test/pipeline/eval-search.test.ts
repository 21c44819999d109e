import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../support/pipeline.js';
import { runCli } from '../support/run-cli.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

const services = await servicesOrSkip('embedq eval-search against a running pipeline');

interface Row {
  readonly set?: string;
  readonly mode?: string;
  readonly top1: number;
  readonly recallAt10: number;
  readonly selectivity?: number;
  readonly fullPages?: number;
  readonly fullPagesPossible?: number;
}

describe.skipIf(services === undefined)(
  'embedq eval-search, through the REST API of a running pipeline',
  () => {
    const fixture = usePipeline(services);
    const dir = mkdtempSync(join(tmpdir(), 'embedq-eval-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function evalSearch(json: string) {
      const run = await runCli(
        [
          'eval-search',
          ...['--chunks', '1000', '--identifiers', '20', '--paraphrases', '20', '--queries', '10'],
          ...['--api', fixture.pipeline.baseUrl, '--json', json],
        ],
        { EMBEDQ_API_KEY: TEST_API_KEY },
        { cwd: dir },
      );
      return { ...run, result: JSON.parse(readFileSync(join(dir, json), 'utf8')) };
    }

    it('loads the labelled set once, and measures every mode and filter selectivity on it', async () => {
      const first = await evalSearch('first.json');
      expect(first.code).toBe(0);
      expect(first.result.load).toMatchObject({ posted: 2, kept: 0 });
      expect(first.stdout).toContain('| identifier (20) | keyword |');
      expect(first.stdout).toContain('| 0.1% (1) | 10 |');

      const labelled = first.result.labelled as Row[];
      expect(labelled.map((r) => `${r.set}/${r.mode}`)).toEqual(
        ['identifier', 'paraphrase'].flatMap((set) =>
          ['vector', 'keyword', 'hybrid', 'exact'].map((m) => `${set}/${m}`),
        ),
      );
      const row = (set: string, mode: string) =>
        labelled.find((r) => r.set === set && r.mode === mode) as Row;
      // Exactly one chunk holds each identifier, so keyword search puts it first every time, and
      // hybrid, which ranks that match by its cosine among all candidates, does too.
      expect(row('identifier', 'keyword').top1).toBe(1);
      expect(row('identifier', 'hybrid').top1).toBe(1);
      // A paraphrase shares few exact words with its chunk: keyword search finds little; hybrid
      // keeps what vector search finds.
      expect(row('paraphrase', 'hybrid').recallAt10).toBeGreaterThanOrEqual(
        row('paraphrase', 'vector').recallAt10 - 0.02,
      );

      const selectivity = first.result.selectivity as Row[];
      expect(selectivity.map((r) => r.selectivity)).toEqual([1, 0.1, 0.01, 0.001]);
      for (const level of selectivity) {
        // k came back whenever k chunks matched, and 1,000 chunks are few enough for the index to be exact.
        expect(level.fullPages).toBe(level.fullPagesPossible);
        expect(level.recallAt10).toBeGreaterThanOrEqual(0.95);
      }
      expect(selectivity[0]?.fullPagesPossible).toBe(10);
      // 0.1% of 1,000 is one chunk: never a full page of 10.
      expect(selectivity[3]?.fullPagesPossible).toBe(0);

      const second = await evalSearch('second.json');
      expect(second.code).toBe(0);
      expect(second.result.load).toMatchObject({ posted: 0, kept: 2 });
      expect(second.stderr).toContain('2 of 2 documents already loaded');
    });
  },
);
