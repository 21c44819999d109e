import type { EvalSearchResult } from './run-eval-search.js';

const fixed = (x: number, digits = 3) => x.toFixed(digits);
const ms = (x: number) => x.toFixed(1);
const pct = (x: number) => `${Number((x * 100).toPrecision(3))}%`;

/** The eval as two markdown tables: labelled queries per mode, and filtered vector search vs exact. */
export function evalSearchMarkdown(result: EvalSearchResult, chunks: number): string {
  const lines = [
    `Labelled queries over ${chunks.toLocaleString('en-US')} chunks (k = 10; "exact" is vector search by sequential scan):`,
    '',
    '| Queries | Mode | Top-1 | Recall@10 | MRR@10 | p50 ms | p95 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...result.labelled.map(
      (r) =>
        `| ${r.set} (${r.queries}) | ${r.mode} | ${fixed(r.top1)} | ${fixed(r.recallAt10)} | ${fixed(r.mrrAt10)} | ${ms(r.ms.p50)} | ${ms(r.ms.p95)} |`,
    ),
    '',
    'Vector search through the HNSW index vs exact search, by filter selectivity (seed queries, k = 10):',
    '',
    '| Filter matches | Queries | k returned | Recall@10 vs exact (min) | p50 ms | p95 ms | exact p50 ms | exact p95 ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.selectivity.map(
      (r) =>
        `| ${pct(r.selectivity)} (${Math.round(r.selectivity * chunks).toLocaleString('en-US')}) | ${r.queries} | ${r.fullPages}/${r.fullPagesPossible} | ${fixed(r.recallAt10)} (${fixed(r.minRecallAt10, 1)}) | ${ms(r.ms.p50)} | ${ms(r.ms.p95)} | ${ms(r.exactMs.p50)} | ${ms(r.exactMs.p95)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
